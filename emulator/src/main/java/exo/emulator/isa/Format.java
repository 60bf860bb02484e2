package exo.emulator.isa;

import java.util.List;

/**
 * Instruction formats: where each field lives in the 32-bit word. Formats own all of the
 * bit-fiddling; instruction code uses the named accessors below.
 *
 * <pre>
 *  31      26 25   21 20   16 15   11 10    6 5      0
 * +----------+-------+-------+-------+-------+--------+
 * |  opcode  |   A   |   B   |   C   |   0   | funct  |   R, RD (opcode 0)
 * |  opcode  |   A   |   B   |         imm16          |   I, IU, SH, U, LD, ST, BR, JR
 * |  opcode  |   A   |           off21                |   J
 * |  opcode  |              code26                    |   SYS
 * +----------+-------+-------+-------+-------+--------+
 * </pre>
 */
public enum Format {
    /** Register-register ALU: {@code op rd, rs1, rs2}. */
    R(0x000007C0, List.of(Operand.RD, Operand.RS1, Operand.RS2)),
    /** Read a counter: {@code op rd}; fields B and C must be zero. */
    RD(0x001FFFC0, List.of(Operand.RD)),
    /** Sign-extended immediate: {@code op rd, rs1, simm16}. */
    I(0, List.of(Operand.RD, Operand.RS1, Operand.SIMM16)),
    /** Zero-extended immediate: {@code op rd, rs1, uimm16}. */
    IU(0, List.of(Operand.RD, Operand.RS1, Operand.UIMM16)),
    /** Shift by immediate: {@code op rd, rs1, shamt}; bits 15..5 must be zero. */
    SH(0x0000FFE0, List.of(Operand.RD, Operand.RS1, Operand.SHAMT)),
    /** Upper immediate: {@code op rd, uimm16}; field B must be zero. */
    U(0x001F0000, List.of(Operand.RD, Operand.UIMM16)),
    /** Load: {@code op rd, simm16(rs1)}. */
    LD(0, List.of(Operand.RD, Operand.MEM)),
    /** Store: {@code op rs2, simm16(rs1)}; the stored register is in field A. */
    ST(0, List.of(Operand.RSA, Operand.MEM)),
    /** Compare and branch: {@code op rs1, rs2, target}. */
    BR(0, List.of(Operand.BRA, Operand.BRB, Operand.BRANCH16)),
    /** Jump and link: {@code op rd, target}. */
    J(0, List.of(Operand.RD, Operand.JUMP21)),
    /** Jump and link register: {@code op rd, simm16(rs1)}. */
    JR(0, List.of(Operand.RD, Operand.MEM)),
    /** System: {@code op [code]}. */
    SYS(0, List.of(Operand.CODE26));

    /** Bits that must be zero in a valid encoding of this format, beyond opcode and funct. */
    public final int reservedMask;
    public final List<Operand> operands;
    /** Applied to the sign-extended low half of a word to give the ALU immediate (see {@link #immediate}). */
    private final int immediateMask;

    Format(int reservedMask, List<Operand> operands) {
        this.reservedMask = reservedMask;
        this.operands = operands;
        Operand last = operands.get(operands.size() - 1);
        this.immediateMask = last == Operand.SIMM16 ? -1 : last == Operand.UIMM16 ? 0xFFFF : last == Operand.SHAMT ? 31 : 0;
    }

    public static int opcode(int w) { return w >>> 26; }
    public static int funct(int w) { return w & 0x3F; }
    /** Field A, bits 25..21: rd, or the stored register, or the first branch comparand. */
    public static int a(int w) { return (w >>> 21) & 31; }
    /** Field B, bits 20..16: rs1, or the base register, or the second branch comparand. */
    public static int b(int w) { return (w >>> 16) & 31; }
    /** Field C, bits 15..11: rs2 in R format. */
    public static int c(int w) { return (w >>> 11) & 31; }
    public static int simm16(int w) { return (short) w; }
    public static int uimm16(int w) { return w & 0xFFFF; }
    public static int shamt(int w) { return w & 31; }
    /** Signed 21-bit word offset of J, as a byte offset. */
    public static int off21Bytes(int w) { return (w << 11) >> 9; }
    /** Signed 16-bit word offset of BR, as a byte offset. */
    public static int off16Bytes(int w) { return ((short) w) << 2; }
    public static int code26(int w) { return w & 0x03FFFFFF; }

    /**
     * The immediate of an ALU-format word, extended as the format says: sign-extended (I),
     * zero-extended (IU, U) or the shift amount (SH); 0 for formats without one. Every ALU
     * immediate lies in bits 15..0, so this is the sign-extended low half masked by the format:
     * branch-free, because the interpreter computes it for every immediate ALU instruction.
     */
    public int immediate(int w) {
        return (short) w & immediateMask;
    }

    /**
     * Packs operand values (in the order of {@link #operands}; a MEM operand takes two slots:
     * offset then base register) into the format's fields. Values must already be in range:
     * the assembler checks ranges and reports them; this method masks.
     */
    public int pack(int[] v) {
        switch (this) {
            case R: return (v[0] & 31) << 21 | (v[1] & 31) << 16 | (v[2] & 31) << 11;
            case RD: return (v[0] & 31) << 21;
            case I: case IU: return (v[0] & 31) << 21 | (v[1] & 31) << 16 | (v[2] & 0xFFFF);
            case SH: return (v[0] & 31) << 21 | (v[1] & 31) << 16 | (v[2] & 31);
            case U: return (v[0] & 31) << 21 | (v[1] & 0xFFFF);
            case LD: case ST: case JR: return (v[0] & 31) << 21 | (v[2] & 31) << 16 | (v[1] & 0xFFFF);
            case BR: return (v[0] & 31) << 21 | (v[1] & 31) << 16 | ((v[2] >> 2) & 0xFFFF);
            case J: return (v[0] & 31) << 21 | ((v[1] >> 2) & 0x1FFFFF);
            case SYS: return v[0] & 0x03FFFFFF;
            default: throw new IllegalStateException("format " + this);
        }
    }

    /**
     * The inverse of {@link #pack}: operand values of an encoded word, same slot order. Branch
     * and jump targets come back as byte offsets from the instruction's address.
     */
    public int[] unpack(int w) {
        switch (this) {
            case R: return new int[] {a(w), b(w), c(w)};
            case RD: return new int[] {a(w)};
            case I: return new int[] {a(w), b(w), simm16(w)};
            case IU: return new int[] {a(w), b(w), uimm16(w)};
            case SH: return new int[] {a(w), b(w), shamt(w)};
            case U: return new int[] {a(w), uimm16(w)};
            case LD: case ST: case JR: return new int[] {a(w), simm16(w), b(w)};
            case BR: return new int[] {a(w), b(w), off16Bytes(w)};
            case J: return new int[] {a(w), off21Bytes(w)};
            case SYS: return new int[] {code26(w)};
            default: throw new IllegalStateException("format " + this);
        }
    }
}
