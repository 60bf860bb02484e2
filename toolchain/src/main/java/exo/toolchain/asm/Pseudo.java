package exo.toolchain.asm;

import static exo.emulator.isa.Register.RA;
import static exo.emulator.isa.Register.SP;
import static exo.emulator.isa.Register.ZERO;

import exo.emulator.isa.Opcode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pseudo-instructions: one row each, with its operand signature and its expansion into real
 * instructions from the ISA table. Signature letters: {@code r} a register, {@code e} an
 * expression, {@code t} a branch or jump target, {@code l} a list of registers. docs/assembler.md
 * lists the same rows.
 */
final class Pseudo {
    /** Emits the real instructions for one use; ops holds Integer registers, Exprs, or int[] lists. */
    @FunctionalInterface
    interface Expansion {
        void expand(Assembler a, Object[] ops) throws AsmError;
    }

    final String name;
    final String signature;
    final String syntax;
    final Expansion expansion;

    private Pseudo(String name, String signature, String syntax, Expansion expansion) {
        this.name = name;
        this.signature = signature;
        this.syntax = syntax;
        this.expansion = expansion;
    }

    private static final Map<String, Pseudo> TABLE = new LinkedHashMap<>();

    private static void row(String name, String signature, String syntax, Expansion e) {
        TABLE.put(name, new Pseudo(name, signature, syntax, e));
    }

    static Pseudo get(String name) {
        return TABLE.get(name);
    }

    static Map<String, Pseudo> all() {
        return Collections.unmodifiableMap(TABLE);
    }

    private static int r(Object o) {
        return (Integer) o;
    }

    private static Expr e(Object o) {
        return (Expr) o;
    }

    static {
        row("nop", "", "nop", (a, o) -> a.insn(Opcode.ADDI, a.reg(ZERO), a.reg(ZERO), a.num(0)));
        row("li", "re", "li rd, imm32", (a, o) -> li(a, r(o[0]), e(o[1])));
        row("la", "re", "la rd, symbol", (a, o) -> {
            a.insn(Opcode.LUI, a.reg(r(o[0])), new Expr.Half(true, e(o[1])));
            a.insn(Opcode.ORI, a.reg(r(o[0])), a.reg(r(o[0])), new Expr.Half(false, e(o[1])));
        });
        row("mv", "rr", "mv rd, rs", (a, o) -> a.insn(Opcode.ADDI, a.reg(r(o[0])), a.reg(r(o[1])), a.num(0)));
        row("not", "rr", "not rd, rs", (a, o) -> a.insn(Opcode.NOR, a.reg(r(o[0])), a.reg(r(o[1])), a.reg(ZERO)));
        row("neg", "rr", "neg rd, rs", (a, o) -> a.insn(Opcode.SUB, a.reg(r(o[0])), a.reg(ZERO), a.reg(r(o[1]))));
        row("seqz", "rr", "seqz rd, rs", (a, o) -> a.insn(Opcode.SLTIU, a.reg(r(o[0])), a.reg(r(o[1])), a.num(1)));
        row("snez", "rr", "snez rd, rs", (a, o) -> a.insn(Opcode.SLTU, a.reg(r(o[0])), a.reg(ZERO), a.reg(r(o[1]))));
        row("j", "t", "j target", (a, o) -> a.insn(Opcode.JAL, a.reg(ZERO), e(o[0])));
        row("call", "t", "call target", (a, o) -> a.insn(Opcode.JAL, a.reg(RA), e(o[0])));
        row("jr", "r", "jr rs", (a, o) -> a.insn(Opcode.JALR, a.reg(ZERO), a.num(0), a.reg(r(o[0]))));
        row("ret", "", "ret", (a, o) -> a.insn(Opcode.JALR, a.reg(ZERO), a.num(0), a.reg(RA)));
        row("beqz", "rt", "beqz rs, target", (a, o) -> a.insn(Opcode.BEQ, a.reg(r(o[0])), a.reg(ZERO), e(o[1])));
        row("bnez", "rt", "bnez rs, target", (a, o) -> a.insn(Opcode.BNE, a.reg(r(o[0])), a.reg(ZERO), e(o[1])));
        row("bltz", "rt", "bltz rs, target", (a, o) -> a.insn(Opcode.BLT, a.reg(r(o[0])), a.reg(ZERO), e(o[1])));
        row("bgez", "rt", "bgez rs, target", (a, o) -> a.insn(Opcode.BGE, a.reg(r(o[0])), a.reg(ZERO), e(o[1])));
        row("bgtz", "rt", "bgtz rs, target", (a, o) -> a.insn(Opcode.BLT, a.reg(ZERO), a.reg(r(o[0])), e(o[1])));
        row("blez", "rt", "blez rs, target", (a, o) -> a.insn(Opcode.BGE, a.reg(ZERO), a.reg(r(o[0])), e(o[1])));
        row("bgt", "rrt", "bgt rs1, rs2, target", (a, o) -> a.insn(Opcode.BLT, a.reg(r(o[1])), a.reg(r(o[0])), e(o[2])));
        row("ble", "rrt", "ble rs1, rs2, target", (a, o) -> a.insn(Opcode.BGE, a.reg(r(o[1])), a.reg(r(o[0])), e(o[2])));
        row("bgtu", "rrt", "bgtu rs1, rs2, target", (a, o) -> a.insn(Opcode.BLTU, a.reg(r(o[1])), a.reg(r(o[0])), e(o[2])));
        row("bleu", "rrt", "bleu rs1, rs2, target", (a, o) -> a.insn(Opcode.BGEU, a.reg(r(o[1])), a.reg(r(o[0])), e(o[2])));
        row("push", "l", "push r1[, r2...]", (a, o) -> {
            int[] regs = (int[]) o[0];
            a.insn(Opcode.ADDI, a.reg(SP), a.reg(SP), a.num(-4L * regs.length));
            for (int i = 0; i < regs.length; i++) a.insn(Opcode.SW, a.reg(regs[i]), a.num(4L * i), a.reg(SP));
        });
        row("pop", "l", "pop r1[, r2...]", (a, o) -> {
            int[] regs = (int[]) o[0];
            for (int i = 0; i < regs.length; i++) a.insn(Opcode.LW, a.reg(regs[i]), a.num(4L * i), a.reg(SP));
            a.insn(Opcode.ADDI, a.reg(SP), a.reg(SP), a.num(4L * regs.length));
        });
    }

    /**
     * The shortest sequence for a constant known now: addi (signed 16 bits), ori (unsigned 16
     * bits), lui (low half zero), else lui + ori. A value not known yet (a label, a later .equ)
     * always takes lui + ori, so that the size is fixed in the first pass.
     */
    private static void li(Assembler a, int rd, Expr value) throws AsmError {
        Long known = a.known(value);
        if (known != null) {
            long v = known;
            if (v < Integer.MIN_VALUE || v > 0xFFFFFFFFL) {
                throw new AsmError(value.start(), "li value " + v + " does not fit in 32 bits: allowed " + Integer.MIN_VALUE + ".." + 0xFFFFFFFFL);
            }
            int w = (int) v;
            if (w >= -32768 && w <= 32767) {
                a.insn(Opcode.ADDI, a.reg(rd), a.reg(ZERO), a.num(w));
                return;
            }
            if ((w & 0xFFFF0000) == 0) {
                a.insn(Opcode.ORI, a.reg(rd), a.reg(ZERO), a.num(w));
                return;
            }
            if ((w & 0xFFFF) == 0) {
                a.insn(Opcode.LUI, a.reg(rd), a.num(w >>> 16));
                return;
            }
        }
        a.insn(Opcode.LUI, a.reg(rd), new Expr.Half(true, value));
        a.insn(Opcode.ORI, a.reg(rd), a.reg(rd), new Expr.Half(false, value));
    }
}
