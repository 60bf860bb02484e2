package exo.emulator.isa;

/**
 * Word to {@link Opcode}, derived from the table. The lookup is two array loads and a mask
 * compare, cheap enough for the interpreter's fetch loop.
 */
public final class Decoder {
    /** Index 0..63 for primary opcodes, 64..127 for R-group functs. */
    private static final Opcode[] BY_KEY = new Opcode[128];
    private static final java.util.Map<String, Opcode> BY_MNEMONIC = new java.util.HashMap<>();

    static {
        for (Opcode op : Opcode.values()) {
            int key = key(op.match);
            if (BY_KEY[key] != null) {
                throw new IllegalStateException("opcodes " + BY_KEY[key] + " and " + op + " share an encoding");
            }
            BY_KEY[key] = op;
            BY_MNEMONIC.put(op.mnemonic, op);
        }
    }

    private Decoder() {}

    private static int key(int w) {
        int p = w >>> 26;
        return p == 0 ? 64 + (w & 0x3F) : p;
    }

    /** The instruction encoded by w, or null if w is not a valid instruction. */
    public static Opcode decode(int w) {
        Opcode op = BY_KEY[key(w)];
        return op != null && (w & op.mask) == op.match ? op : null;
    }

    /** The row with this mnemonic (lowercase), or null. */
    public static Opcode byMnemonic(String mnemonic) {
        return BY_MNEMONIC.get(mnemonic);
    }
}
