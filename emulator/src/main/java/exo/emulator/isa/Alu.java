package exo.emulator.isa;

import java.io.Serializable;

/**
 * The meaning of every computational instruction, one small public static method each. The
 * {@link Opcode} table binds each ALU row to its method by method reference ({@code Alu::add}),
 * so renaming a method breaks the build, not a run. Neither engine names these methods: both
 * call the method a row's reference resolves to ({@link Opcode#operation}), the JIT from
 * translated code and the interpreter through its table-generated dispatcher, and HotSpot
 * inlines them. Trap conditions are separate predicates ({@link Opcode#trapCheck}) that both
 * engines test before writing the result.
 */
public final class Alu {
    private Alu() {}

    /** An operation on two sources (rs1 and rs2 or an immediate), as a reference to a method here. */
    @FunctionalInterface
    public interface Binary extends Serializable {
        int apply(int a, int b);
    }

    /** An operation on one source (the immediate of a U-format row), as a reference to a method here. */
    @FunctionalInterface
    public interface Unary extends Serializable {
        int apply(int a);
    }

    /** A trap condition over an ALU row's two sources, as a reference to a method here. */
    @FunctionalInterface
    public interface Check extends Serializable {
        boolean holds(int a, int b);
    }

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

    /** Whether a divide or remainder of a by b has no result: b is zero. */
    public static boolean divisorIsZero(int a, int b) { return b == 0; }
}
