package exo.emulator.interp;

/**
 * The meaning of every computational instruction, one small static method each. The
 * interpreter calls these; the JIT emits calls to the same methods (HotSpot inlines them), so
 * the two engines cannot disagree on arithmetic. Trap conditions are separate predicates that
 * both engines test before writing the result.
 */
public final class Alu {
    private Alu() {}

    public static int add(int a, int b) { return a + b; }
    public static int sub(int a, int b) { return a - b; }
    public static int and(int a, int b) { return a & b; }
    public static int or(int a, int b) { return a | b; }
    public static int xor(int a, int b) { return a ^ b; }
    public static int nor(int a, int b) { return ~(a | b); }
    /** Register shifts use the low five bits of the amount: a shift by 32 is a shift by 0. */
    public static int sll(int a, int b) { return a << (b & 31); }
    public static int srl(int a, int b) { return a >>> (b & 31); }
    public static int sra(int a, int b) { return a >> (b & 31); }
    public static int slt(int a, int b) { return a < b ? 1 : 0; }
    public static int sltu(int a, int b) { return Integer.compareUnsigned(a, b) < 0 ? 1 : 0; }
    public static int mul(int a, int b) { return a * b; }
    public static int mulh(int a, int b) { return (int) (((long) a * (long) b) >> 32); }
    public static int mulhu(int a, int b) { return (int) (((a & 0xFFFFFFFFL) * (b & 0xFFFFFFFFL)) >>> 32); }
    /** Signed divide, b != 0; INT_MIN / -1 wraps to INT_MIN (as Java's does). */
    public static int div(int a, int b) { return a / b; }
    public static int divu(int a, int b) { return Integer.divideUnsigned(a, b); }
    /** Signed remainder, b != 0, with the dividend's sign; INT_MIN % -1 is 0. */
    public static int rem(int a, int b) { return a % b; }
    public static int remu(int a, int b) { return Integer.remainderUnsigned(a, b); }
    public static int lui(int imm) { return imm << 16; }

    /** Whether a + b overflows as signed 32-bit. */
    public static boolean addOverflows(int a, int b) {
        int s = a + b;
        return ((a ^ s) & (b ^ s)) < 0;
    }

    /** Whether a - b overflows as signed 32-bit. */
    public static boolean subOverflows(int a, int b) {
        int d = a - b;
        return ((a ^ b) & (a ^ d)) < 0;
    }

    public static boolean ltu(int a, int b) { return Integer.compareUnsigned(a, b) < 0; }
}
