package exo.emulator.isa;

/**
 * One operand in an instruction's assembly syntax and where its bits live. The assembler parses
 * these, the disassembler prints them, and {@link Format} packs them.
 */
public enum Operand {
    /** Destination register in field A (bits 25..21). */
    RD("rd", "destination register"),
    /** Source register 1 in field B (bits 20..16). */
    RS1("rs1", "source register 1"),
    /** Source register 2 in field C (bits 15..11). */
    RS2("rs2", "source register 2"),
    /** Store data register in field A. */
    RSA("rs2", "register stored to memory"),
    /** Branch first comparand in field A. */
    BRA("rs1", "first register compared"),
    /** Branch second comparand in field B. */
    BRB("rs2", "second register compared"),
    /** Signed 16-bit immediate, bits 15..0, range -32768..32767. */
    SIMM16("simm16", "signed 16-bit immediate"),
    /** Zero-extended 16-bit immediate, bits 15..0, range 0..65535. */
    UIMM16("uimm16", "unsigned 16-bit immediate"),
    /** Shift amount 0..31 in bits 4..0 (bits 15..5 must be zero). */
    SHAMT("shamt", "shift amount 0..31"),
    /** Memory operand {@code simm16(rs1)}: base register in field B, signed offset in bits 15..0. */
    MEM("simm16(rs1)", "base register plus signed 16-bit byte offset"),
    /** Branch target: signed 16-bit word offset from the branch's own address (±128 KiB). */
    BRANCH16("target", "pc-relative target, ±32768 instructions"),
    /** Jump target: signed 21-bit word offset from the jump's own address (±4 MiB). */
    JUMP21("target", "pc-relative target, ±1048576 instructions"),
    /** Optional 26-bit code in bits 25..0, readable by the trap handler. */
    CODE26("code", "optional 26-bit code (0 if omitted)");

    public final String syntax;
    public final String meaning;

    Operand(String syntax, String meaning) {
        this.syntax = syntax;
        this.meaning = meaning;
    }

    /** Whether the operand names a register. */
    public boolean isRegister() {
        return this == RD || this == RS1 || this == RS2 || this == RSA || this == BRA || this == BRB;
    }

    /**
     * The register number this operand names in instruction word w (immediates are decoded by
     * {@link Format#immediate} and {@link Format#unpack}).
     *
     * @throws IllegalStateException if the operand is not a register
     */
    public int register(int w) {
        switch (this) {
            case RD: case RSA: case BRA: return Format.a(w);
            case RS1: case BRB: return Format.b(w);
            case RS2: return Format.c(w);
            default: throw new IllegalStateException(this + " is not a register operand");
        }
    }
}
