package exo.emulator.isa;

import java.util.HashMap;
import java.util.Map;

/**
 * The 32 general registers: ABI names and roles. This is the one place that fixes the calling
 * convention; docs/isa.md is generated from it.
 *
 * <p>k0 and k1 belong to exception code: ordinary code never expects them preserved across any
 * instruction, which is what lets a user-level handler return with {@code jr k0}.
 */
public final class Register {
    public static final int ZERO = 0, RA = 1, SP = 2, GP = 3;
    public static final int A0 = 4, A1 = 5, A2 = 6, A3 = 7, A4 = 8, A5 = 9, A6 = 10, A7 = 11;
    public static final int T0 = 12, T9 = 21;
    public static final int S0 = 22, S7 = 29;
    public static final int K0 = 30, K1 = 31;
    public static final int COUNT = 32;

    private static final String[] NAMES = new String[COUNT];
    private static final String[] ROLES = new String[COUNT];
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    static {
        name(ZERO, "zero", "always reads 0; writes are ignored");
        name(RA, "ra", "return address (caller-saved)");
        name(SP, "sp", "stack pointer (callee-saved)");
        name(GP, "gp", "global pointer (not allocated by the compiler convention)");
        for (int i = 0; i < 8; i++) name(A0 + i, "a" + i, i < 2 ? "argument / return value (caller-saved)" : "argument (caller-saved)");
        for (int i = 0; i < 10; i++) name(T0 + i, "t" + i, "temporary (caller-saved)");
        for (int i = 0; i < 8; i++) name(S0 + i, "s" + i, i == 0 ? "saved register / frame pointer fp (callee-saved)" : "saved register (callee-saved)");
        name(K0, "k0", "exception registers: clobbered by exception code at any time");
        name(K1, "k1", "exception registers: clobbered by exception code at any time");
        for (int i = 0; i < COUNT; i++) BY_NAME.put("r" + i, i);
        BY_NAME.put("fp", S0);
    }

    private static void name(int r, String n, String role) {
        NAMES[r] = n;
        ROLES[r] = role;
        BY_NAME.put(n, r);
    }

    private Register() {}

    /** ABI name of register r (0..31). */
    public static String name(int r) {
        return NAMES[r];
    }

    public static String role(int r) {
        return ROLES[r];
    }

    /** Register number for an ABI name, {@code rN} or {@code fp}; -1 if none. Case-sensitive. */
    public static int parse(String name) {
        Integer r = BY_NAME.get(name);
        return r == null ? -1 : r;
    }

    /** Every accepted register spelling, for completion and suggestions. */
    public static Iterable<String> allNames() {
        return BY_NAME.keySet();
    }
}
