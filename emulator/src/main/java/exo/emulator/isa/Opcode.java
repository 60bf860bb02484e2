package exo.emulator.isa;

import exo.emulator.machine.Cause;
import java.util.EnumSet;
import java.util.Set;

/**
 * The instruction set, defined once. Every instruction is one row: mnemonic, format, primary
 * opcode, function code (R and RD formats), semantics in pseudo-code, and the exceptions it can
 * raise besides those of fetching it (fetch faults are common to all rows). The decoder,
 * disassembler, assembler, interpreter, JIT and docs/isa.md all derive from this table; adding
 * an instruction means a row here, its arithmetic in {@code exo.emulator.interp.Alu} if it
 * computes, and its case in the interpreter's switch (and the JIT's).
 *
 * <p>Every instruction costs one cycle; kernel work is charged separately by the cost model.
 */
public enum Opcode {
    // Register-register ALU, primary opcode 0, selected by funct.
    ADD("add", Format.R, 0, 0, "rd = rs1 + rs2 (wrapping)"),
    SUB("sub", Format.R, 0, 1, "rd = rs1 - rs2 (wrapping)"),
    ADDO("addo", Format.R, 0, 2, "rd = rs1 + rs2; trap on signed overflow", Cause.OVERFLOW),
    SUBO("subo", Format.R, 0, 3, "rd = rs1 - rs2; trap on signed overflow", Cause.OVERFLOW),
    AND("and", Format.R, 0, 4, "rd = rs1 & rs2"),
    OR("or", Format.R, 0, 5, "rd = rs1 | rs2"),
    XOR("xor", Format.R, 0, 6, "rd = rs1 ^ rs2"),
    NOR("nor", Format.R, 0, 7, "rd = ~(rs1 | rs2)"),
    SLL("sll", Format.R, 0, 8, "rd = rs1 << (rs2 & 31)"),
    SRL("srl", Format.R, 0, 9, "rd = rs1 >>> (rs2 & 31) (logical)"),
    SRA("sra", Format.R, 0, 10, "rd = rs1 >> (rs2 & 31) (arithmetic)"),
    SLT("slt", Format.R, 0, 11, "rd = (rs1 < rs2) signed ? 1 : 0"),
    SLTU("sltu", Format.R, 0, 12, "rd = (rs1 < rs2) unsigned ? 1 : 0"),
    MUL("mul", Format.R, 0, 16, "rd = low 32 bits of rs1 * rs2"),
    MULH("mulh", Format.R, 0, 17, "rd = high 32 bits of signed rs1 * signed rs2"),
    MULHU("mulhu", Format.R, 0, 18, "rd = high 32 bits of unsigned rs1 * unsigned rs2"),
    DIV("div", Format.R, 0, 20, "rd = rs1 / rs2 signed, rounding toward zero; INT_MIN / -1 = INT_MIN", Cause.DIV_ZERO),
    DIVU("divu", Format.R, 0, 21, "rd = rs1 / rs2 unsigned", Cause.DIV_ZERO),
    REM("rem", Format.R, 0, 22, "rd = rs1 % rs2 signed, sign of the dividend; INT_MIN % -1 = 0", Cause.DIV_ZERO),
    REMU("remu", Format.R, 0, 23, "rd = rs1 % rs2 unsigned", Cause.DIV_ZERO),
    RDCYCLE("rdcycle", Format.RD, 0, 32, "rd = low 32 bits of the cycle counter (cycles completed before this instruction)"),
    RDCYCLEH("rdcycleh", Format.RD, 0, 33, "rd = high 32 bits of the cycle counter"),
    RDINSTRET("rdinstret", Format.RD, 0, 34, "rd = low 32 bits of instructions retired before this instruction"),
    RDINSTRETH("rdinstreth", Format.RD, 0, 35, "rd = high 32 bits of instructions retired"),

    // Immediate ALU.
    ADDI("addi", Format.I, 1, 0, "rd = rs1 + sext(imm) (wrapping)"),
    ADDIO("addio", Format.I, 2, 0, "rd = rs1 + sext(imm); trap on signed overflow", Cause.OVERFLOW),
    SLTI("slti", Format.I, 3, 0, "rd = (rs1 < sext(imm)) signed ? 1 : 0"),
    SLTIU("sltiu", Format.I, 4, 0, "rd = (rs1 < sext(imm)) unsigned ? 1 : 0"),
    ANDI("andi", Format.IU, 5, 0, "rd = rs1 & zext(imm)"),
    ORI("ori", Format.IU, 6, 0, "rd = rs1 | zext(imm)"),
    XORI("xori", Format.IU, 7, 0, "rd = rs1 ^ zext(imm)"),
    LUI("lui", Format.U, 8, 0, "rd = imm << 16"),
    SLLI("slli", Format.SH, 9, 0, "rd = rs1 << shamt"),
    SRLI("srli", Format.SH, 10, 0, "rd = rs1 >>> shamt (logical)"),
    SRAI("srai", Format.SH, 11, 0, "rd = rs1 >> shamt (arithmetic)"),

    // Loads: address = rs1 + sext(imm), translated through the TLB.
    LB("lb", Format.LD, 16, 0, "rd = sext(mem8[addr])", Cause.TLB_MISS_LOAD, Cause.BUS_ERROR),
    LH("lh", Format.LD, 17, 0, "rd = sext(mem16[addr]); addr must be 2-aligned", Cause.ADDR_LOAD, Cause.TLB_MISS_LOAD, Cause.BUS_ERROR),
    LW("lw", Format.LD, 18, 0, "rd = mem32[addr]; addr must be 4-aligned", Cause.ADDR_LOAD, Cause.TLB_MISS_LOAD, Cause.BUS_ERROR),
    LBU("lbu", Format.LD, 19, 0, "rd = zext(mem8[addr])", Cause.TLB_MISS_LOAD, Cause.BUS_ERROR),
    LHU("lhu", Format.LD, 20, 0, "rd = zext(mem16[addr]); addr must be 2-aligned", Cause.ADDR_LOAD, Cause.TLB_MISS_LOAD, Cause.BUS_ERROR),

    // Stores: address = rs1 + sext(imm); the page must be mapped writable.
    SB("sb", Format.ST, 24, 0, "mem8[addr] = rs2", Cause.TLB_MISS_STORE, Cause.PROT_STORE, Cause.BUS_ERROR),
    SH("sh", Format.ST, 25, 0, "mem16[addr] = rs2; addr must be 2-aligned", Cause.ADDR_STORE, Cause.TLB_MISS_STORE, Cause.PROT_STORE, Cause.BUS_ERROR),
    SW("sw", Format.ST, 26, 0, "mem32[addr] = rs2; addr must be 4-aligned", Cause.ADDR_STORE, Cause.TLB_MISS_STORE, Cause.PROT_STORE, Cause.BUS_ERROR),

    // Compare and branch: target = pc + sext(imm) * 4.
    BEQ("beq", Format.BR, 32, 0, "if rs1 == rs2: pc = target"),
    BNE("bne", Format.BR, 33, 0, "if rs1 != rs2: pc = target"),
    BLT("blt", Format.BR, 34, 0, "if rs1 < rs2 (signed): pc = target"),
    BGE("bge", Format.BR, 35, 0, "if rs1 >= rs2 (signed): pc = target"),
    BLTU("bltu", Format.BR, 36, 0, "if rs1 < rs2 (unsigned): pc = target"),
    BGEU("bgeu", Format.BR, 37, 0, "if rs1 >= rs2 (unsigned): pc = target"),

    // Jumps. A misaligned target faults on the fetch at the target (EPC = BADVADDR = target).
    JAL("jal", Format.J, 40, 0, "rd = pc + 4; pc = pc + sext(off21) * 4"),
    JALR("jalr", Format.JR, 41, 0, "t = rs1 + sext(imm); rd = pc + 4; pc = t"),

    // System.
    SYSCALL("syscall", Format.SYS, 48, 0, "raise SYSCALL; EPC = this instruction; the handler resumes at EPC + 4", Cause.SYSCALL),
    BREAK("break", Format.SYS, 49, 0, "raise BREAK; EPC = this instruction; the code field is available to the handler", Cause.BREAK);

    public final String mnemonic;
    public final Format format;
    public final int primary;
    public final int funct;
    public final String semantics;
    public final Set<Cause> raises;
    /** Bits of the word fixed by this row: opcode, funct where used, and reserved-zero fields. */
    public final int mask;
    /** Required value of the {@link #mask}ed bits. */
    public final int match;

    Opcode(String mnemonic, Format format, int primary, int funct, String semantics, Cause... raises) {
        this.mnemonic = mnemonic;
        this.format = format;
        this.primary = primary;
        this.funct = funct;
        this.semantics = semantics;
        this.raises = raises.length == 0 ? EnumSet.noneOf(Cause.class) : EnumSet.of(raises[0], raises);
        boolean usesFunct = primary == 0;
        this.mask = 0xFC000000 | (usesFunct ? 0x3F : 0) | format.reservedMask;
        this.match = primary << 26 | (usesFunct ? funct : 0);
    }

    /** Encodes this instruction with operand values as {@link Format#pack} takes them. */
    public int encode(int... operands) {
        return match | format.pack(operands);
    }

    /** Whether the instruction can transfer control (ends a basic block). */
    public boolean isControl() {
        return format == Format.BR || format == Format.J || format == Format.JR || format == Format.SYS;
    }
}
