package exo.emulator.isa;

import static exo.emulator.isa.Cond.EQ;
import static exo.emulator.isa.Cond.GE;
import static exo.emulator.isa.Cond.GEU;
import static exo.emulator.isa.Cond.LT;
import static exo.emulator.isa.Cond.LTU;
import static exo.emulator.isa.Cond.NE;
import static exo.emulator.isa.Counter.CYCLES;
import static exo.emulator.isa.Counter.Half.HIGH;
import static exo.emulator.isa.Counter.Half.LOW;
import static exo.emulator.isa.Counter.INSTRET;
import static exo.emulator.isa.Width.BYTE;
import static exo.emulator.isa.Width.HALF;
import static exo.emulator.isa.Width.WORD;

import exo.emulator.machine.Cause;
import java.io.Serializable;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The instruction set, defined once. Every instruction is one row: mnemonic, format, primary
 * opcode, function code (R and RD formats), its {@link Family} with the typed attributes that
 * family needs, and a description for the reference manual. The decoder, disassembler,
 * assembler, both engines and docs/isa.md all derive from this table:
 *
 * <ul>
 *   <li>ALU rows name their operation, and optionally a trap check, by method reference to
 *       {@link Alu}; the operands come from the format.
 *   <li>Loads and stores carry a {@link Width} (alignment follows from it) and loads a
 *       signedness; branches a {@link Cond}; counter reads a {@link Counter} and a half; system
 *       rows the {@link Cause} they raise.
 *   <li>{@link #raises} is derived from those attributes.
 * </ul>
 *
 * <p>Adding an instruction means adding its row here, and its method to {@link Alu} if it
 * computes something new; the interpreter and the JIT each run every row of a family through
 * one generator. The table checks itself at class initialisation: each row's format fits its
 * family, it has the attributes the family needs, and its method references resolve to public
 * static {@link Alu} methods whose arity matches the format. A row that fails makes this class
 * fail to initialise with an {@link IllegalStateException} naming it.
 *
 * <p>Every instruction costs one cycle; kernel work is charged separately by the cost model.
 */
public enum Opcode {
    // Register-register ALU, primary opcode 0, selected by funct.
    ADD("add", Format.R, 0, 0, alu(Alu::add), "rd = rs1 + rs2 (wrapping)"),
    SUB("sub", Format.R, 0, 1, alu(Alu::sub), "rd = rs1 - rs2 (wrapping)"),
    ADDO("addo", Format.R, 0, 2, alu(Alu::add, Alu::addOverflows, Cause.OVERFLOW), "rd = rs1 + rs2; trap on signed overflow"),
    SUBO("subo", Format.R, 0, 3, alu(Alu::sub, Alu::subOverflows, Cause.OVERFLOW), "rd = rs1 - rs2; trap on signed overflow"),
    AND("and", Format.R, 0, 4, alu(Alu::and), "rd = rs1 & rs2"),
    OR("or", Format.R, 0, 5, alu(Alu::or), "rd = rs1 | rs2"),
    XOR("xor", Format.R, 0, 6, alu(Alu::xor), "rd = rs1 ^ rs2"),
    NOR("nor", Format.R, 0, 7, alu(Alu::nor), "rd = ~(rs1 | rs2)"),
    SLL("sll", Format.R, 0, 8, alu(Alu::sll), "rd = rs1 << (rs2 & 31)"),
    SRL("srl", Format.R, 0, 9, alu(Alu::srl), "rd = rs1 >>> (rs2 & 31) (logical)"),
    SRA("sra", Format.R, 0, 10, alu(Alu::sra), "rd = rs1 >> (rs2 & 31) (arithmetic)"),
    SLT("slt", Format.R, 0, 11, alu(Alu::slt), "rd = (rs1 < rs2) signed ? 1 : 0"),
    SLTU("sltu", Format.R, 0, 12, alu(Alu::sltu), "rd = (rs1 < rs2) unsigned ? 1 : 0"),
    MUL("mul", Format.R, 0, 16, alu(Alu::mul), "rd = low 32 bits of rs1 * rs2"),
    MULH("mulh", Format.R, 0, 17, alu(Alu::mulh), "rd = high 32 bits of signed rs1 * signed rs2"),
    MULHU("mulhu", Format.R, 0, 18, alu(Alu::mulhu), "rd = high 32 bits of unsigned rs1 * unsigned rs2"),
    DIV("div", Format.R, 0, 20, alu(Alu::div, Alu::divisorIsZero, Cause.DIV_ZERO), "rd = rs1 / rs2 signed, rounding toward zero; INT_MIN / -1 = INT_MIN"),
    DIVU("divu", Format.R, 0, 21, alu(Alu::divu, Alu::divisorIsZero, Cause.DIV_ZERO), "rd = rs1 / rs2 unsigned"),
    REM("rem", Format.R, 0, 22, alu(Alu::rem, Alu::divisorIsZero, Cause.DIV_ZERO), "rd = rs1 % rs2 signed, sign of the dividend; INT_MIN % -1 = 0"),
    REMU("remu", Format.R, 0, 23, alu(Alu::remu, Alu::divisorIsZero, Cause.DIV_ZERO), "rd = rs1 % rs2 unsigned"),
    RDCYCLE("rdcycle", Format.RD, 0, 32, counter(CYCLES, LOW), "rd = low 32 bits of the cycle counter (cycles completed before this instruction)"),
    RDCYCLEH("rdcycleh", Format.RD, 0, 33, counter(CYCLES, HIGH), "rd = high 32 bits of the cycle counter"),
    RDINSTRET("rdinstret", Format.RD, 0, 34, counter(INSTRET, LOW), "rd = low 32 bits of instructions retired before this instruction"),
    RDINSTRETH("rdinstreth", Format.RD, 0, 35, counter(INSTRET, HIGH), "rd = high 32 bits of instructions retired"),

    // Immediate ALU.
    ADDI("addi", Format.I, 1, 0, alu(Alu::add), "rd = rs1 + sext(imm) (wrapping)"),
    ADDIO("addio", Format.I, 2, 0, alu(Alu::add, Alu::addOverflows, Cause.OVERFLOW), "rd = rs1 + sext(imm); trap on signed overflow"),
    SLTI("slti", Format.I, 3, 0, alu(Alu::slt), "rd = (rs1 < sext(imm)) signed ? 1 : 0"),
    SLTIU("sltiu", Format.I, 4, 0, alu(Alu::sltu), "rd = (rs1 < sext(imm)) unsigned ? 1 : 0"),
    ANDI("andi", Format.IU, 5, 0, alu(Alu::and), "rd = rs1 & zext(imm)"),
    ORI("ori", Format.IU, 6, 0, alu(Alu::or), "rd = rs1 | zext(imm)"),
    XORI("xori", Format.IU, 7, 0, alu(Alu::xor), "rd = rs1 ^ zext(imm)"),
    LUI("lui", Format.U, 8, 0, alu(Alu::lui), "rd = imm << 16"),
    SLLI("slli", Format.SH, 9, 0, alu(Alu::sll), "rd = rs1 << shamt"),
    SRLI("srli", Format.SH, 10, 0, alu(Alu::srl), "rd = rs1 >>> shamt (logical)"),
    SRAI("srai", Format.SH, 11, 0, alu(Alu::sra), "rd = rs1 >> shamt (arithmetic)"),

    // Loads: address = rs1 + sext(imm), translated through the TLB.
    LB("lb", Format.LD, 16, 0, load(BYTE), "rd = sext(mem8[addr])"),
    LH("lh", Format.LD, 17, 0, load(HALF), "rd = sext(mem16[addr]); addr must be 2-aligned"),
    LW("lw", Format.LD, 18, 0, load(WORD), "rd = mem32[addr]; addr must be 4-aligned"),
    LBU("lbu", Format.LD, 19, 0, loadUnsigned(BYTE), "rd = zext(mem8[addr])"),
    LHU("lhu", Format.LD, 20, 0, loadUnsigned(HALF), "rd = zext(mem16[addr]); addr must be 2-aligned"),

    // Stores: address = rs1 + sext(imm); the page must be mapped writable.
    SB("sb", Format.ST, 24, 0, store(BYTE), "mem8[addr] = rs2"),
    SH("sh", Format.ST, 25, 0, store(HALF), "mem16[addr] = rs2; addr must be 2-aligned"),
    SW("sw", Format.ST, 26, 0, store(WORD), "mem32[addr] = rs2; addr must be 4-aligned"),

    // Compare and branch: target = pc + sext(imm) * 4.
    BEQ("beq", Format.BR, 32, 0, branch(EQ), "if rs1 == rs2: pc = target"),
    BNE("bne", Format.BR, 33, 0, branch(NE), "if rs1 != rs2: pc = target"),
    BLT("blt", Format.BR, 34, 0, branch(LT), "if rs1 < rs2 (signed): pc = target"),
    BGE("bge", Format.BR, 35, 0, branch(GE), "if rs1 >= rs2 (signed): pc = target"),
    BLTU("bltu", Format.BR, 36, 0, branch(LTU), "if rs1 < rs2 (unsigned): pc = target"),
    BGEU("bgeu", Format.BR, 37, 0, branch(GEU), "if rs1 >= rs2 (unsigned): pc = target"),

    // Jumps. A misaligned target faults on the fetch at the target (EPC = BADVADDR = target).
    JAL("jal", Format.J, 40, 0, jump(), "rd = pc + 4; pc = pc + sext(off21) * 4"),
    JALR("jalr", Format.JR, 41, 0, jumpRegister(), "t = rs1 + sext(imm); rd = pc + 4; pc = t"),

    // System.
    SYSCALL("syscall", Format.SYS, 48, 0, system(Cause.SYSCALL), "raise SYSCALL; EPC = this instruction; the handler resumes at EPC + 4"),
    BREAK("break", Format.SYS, 49, 0, system(Cause.BREAK), "raise BREAK; EPC = this instruction; the code field is available to the handler");

    public final String mnemonic;
    public final Format format;
    public final int primary;
    public final int funct;
    /** What the instruction does, in pseudo-code, for docs/isa.md; the attributes below are what runs. */
    public final String description;
    public final Family family;
    /**
     * This row's position among the rows of its family, counting from 0 in table order: dense,
     * so that a per-family dispatch table can be indexed by it.
     */
    public final int familyIndex;
    /** ALU: the operation, a public static {@link Alu} method taking the {@link #sources}; else null. */
    public final StaticMethod operation;
    /**
     * ALU: a public static {@link Alu} predicate over the two sources; when it holds the row raises
     * {@link #trapCause} instead of writing rd. Null for rows that cannot trap.
     */
    public final StaticMethod trapCheck;
    /** ALU with a {@link #trapCheck}: the cause it raises; SYSTEM: the cause raised always; else null. */
    public final Cause trapCause;
    /** BRANCH: the condition between the two registers; else null. */
    public final Cond cond;
    /** LOAD and STORE: the access width; else null. */
    public final Width width;
    /** LOAD: whether a value narrower than a word is sign-extended (true for a word). */
    public final boolean signed;
    /** COUNTER: the counter read and which half of it; else null. */
    public final Counter counter;
    public final Counter.Half half;
    /**
     * ALU and BRANCH: the operands the operation or condition takes, in order: the format's
     * operands other than rd and the branch target. Empty for other families.
     */
    public final List<Operand> sources;
    /** The exceptions it can raise besides those of fetching it (fetch faults are common to all rows). */
    public final Set<Cause> raises;
    /** Bits of the word fixed by this row: opcode, funct where used, and reserved-zero fields. */
    public final int mask;
    /** Required value of the {@link #mask}ed bits. */
    public final int match;

    Opcode(String mnemonic, Format format, int primary, int funct, Semantics s, String description) {
        this.mnemonic = mnemonic;
        this.format = format;
        this.primary = primary;
        this.funct = funct;
        this.description = description;
        this.family = s.family;
        this.familyIndex = RowsPerFamily.COUNT[family.ordinal()]++;
        if (!family.formats.contains(format)) throw new IllegalStateException(this + ": format " + format + " is not one of " + family);
        this.sources = sources(family, format);
        this.operation = s.operation == null ? null
                : StaticMethod.of(name(), s.operation, Alu.class, descriptor(sources.size(), "I"));
        this.trapCheck = s.trapCheck == null ? null
                : StaticMethod.of(name() + " (trap check)", s.trapCheck, Alu.class, descriptor(sources.size(), "Z"));
        this.trapCause = s.trapCause;
        this.cond = s.cond;
        this.width = s.width;
        this.signed = s.signed;
        this.counter = s.counter;
        this.half = s.half;
        requireAttributes();
        this.raises = Collections.unmodifiableSet(raises(family, width, trapCause));
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
        return family.isControl();
    }

    /** Checks that the row carries every attribute its family needs (the builders below see to it). */
    private void requireAttributes() {
        boolean complete;
        switch (family) {
            case ALU: complete = operation != null && (trapCheck == null) == (trapCause == null); break;
            case COUNTER: complete = counter != null && half != null; break;
            case LOAD: case STORE: complete = width != null; break;
            case BRANCH: complete = cond != null; break;
            case SYSTEM: complete = trapCause != null; break;
            default: complete = true; break;
        }
        if (!complete) throw new IllegalStateException(this + ": a " + family + " row lacks an attribute its family needs");
    }

    private static List<Operand> sources(Family family, Format format) {
        if (family == Family.ALU) return format.operands.subList(1, format.operands.size());
        if (family == Family.BRANCH) return format.operands.subList(0, 2);
        return List.of();
    }

    /** The descriptor of a method taking n ints and returning the type {@code result}. */
    private static String descriptor(int n, String result) {
        return "(" + "I".repeat(n) + ")" + result;
    }

    /**
     * What a row of the family can raise. Memory accesses raise what {@code Mmu.translate} can
     * report for their kind of access (a TLB miss, a store to a read-only page, a page beyond
     * installed memory) and, when wider than a byte, a misaligned-address error.
     */
    private static Set<Cause> raises(Family family, Width width, Cause trapCause) {
        Set<Cause> s = EnumSet.noneOf(Cause.class);
        switch (family) {
            case ALU: case SYSTEM:
                if (trapCause != null) s.add(trapCause);
                break;
            case LOAD:
                s.addAll(EnumSet.of(Cause.TLB_MISS_LOAD, Cause.BUS_ERROR));
                if (width.needsAlignment()) s.add(Cause.ADDR_LOAD);
                break;
            case STORE:
                s.addAll(EnumSet.of(Cause.TLB_MISS_STORE, Cause.PROT_STORE, Cause.BUS_ERROR));
                if (width.needsAlignment()) s.add(Cause.ADDR_STORE);
                break;
            default:
                break;
        }
        return s;
    }

    // The row builders below each give one family exactly the attributes it needs.

    private static Semantics alu(Alu.Binary operation) {
        return new Semantics(Family.ALU, operation, null, null, null, null, false, null, null);
    }

    private static Semantics alu(Alu.Unary operation) {
        return new Semantics(Family.ALU, operation, null, null, null, null, false, null, null);
    }

    private static Semantics alu(Alu.Binary operation, Alu.Check trapCheck, Cause trapCause) {
        return new Semantics(Family.ALU, operation, trapCheck, trapCause, null, null, false, null, null);
    }

    private static Semantics counter(Counter counter, Counter.Half half) {
        return new Semantics(Family.COUNTER, null, null, null, null, null, false, counter, half);
    }

    private static Semantics load(Width width) {
        return new Semantics(Family.LOAD, null, null, null, null, width, true, null, null);
    }

    private static Semantics loadUnsigned(Width width) {
        return new Semantics(Family.LOAD, null, null, null, null, width, false, null, null);
    }

    private static Semantics store(Width width) {
        return new Semantics(Family.STORE, null, null, null, null, width, false, null, null);
    }

    private static Semantics branch(Cond cond) {
        return new Semantics(Family.BRANCH, null, null, null, cond, null, false, null, null);
    }

    private static Semantics jump() {
        return new Semantics(Family.JUMP, null, null, null, null, null, false, null, null);
    }

    private static Semantics jumpRegister() {
        return new Semantics(Family.JUMP_REGISTER, null, null, null, null, null, false, null, null);
    }

    private static Semantics system(Cause cause) {
        return new Semantics(Family.SYSTEM, null, null, cause, null, null, false, null, null);
    }

    /** Rows of each family met so far while the table is built (an enum constructor cannot use the enum's statics). */
    private static final class RowsPerFamily {
        static final int[] COUNT = new int[Family.values().length];
    }

    /** A row's family and attributes as written in the table, before its method references are resolved. */
    private record Semantics(Family family, Serializable operation, Alu.Check trapCheck, Cause trapCause, Cond cond,
            Width width, boolean signed, Counter counter, Counter.Half half) {}
}
