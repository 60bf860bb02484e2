package exo.emulator.interp;

import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.T3;
import static exo.emulator.TestMachine.ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every computational instruction at its edges, run through the machine: one instruction with
 * rs1 = t0 = x, and rs2 = t1 = y (register forms) or the immediate y, result in t2.
 */
class AluInstructionTest {
    static final int MIN = Integer.MIN_VALUE, MAX = Integer.MAX_VALUE;

    static Arguments row(Opcode op, int x, int y, int expected) {
        return Arguments.of(op, x, y, expected);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row(Opcode.ADD, MAX, 1, MIN), row(Opcode.ADD, -1, 1, 0), row(Opcode.ADD, MIN, MIN, 0),
                row(Opcode.SUB, MIN, 1, MAX), row(Opcode.SUB, 0, 1, -1), row(Opcode.SUB, 0, MIN, MIN),
                row(Opcode.ADDO, MAX - 1, 1, MAX), row(Opcode.ADDO, MIN + 1, -1, MIN), row(Opcode.ADDO, MAX, MIN, -1),
                row(Opcode.SUBO, MIN + 1, 1, MIN), row(Opcode.SUBO, -1, MAX, MIN), row(Opcode.SUBO, -1, MIN, MAX),
                row(Opcode.SUBO, MAX - 1, -1, MAX),
                row(Opcode.AND, 0xF0F0F0F0, 0xFF00FF00, 0xF000F000), row(Opcode.OR, 0xF0F0F0F0, 0x0F, 0xF0F0F0FF),
                row(Opcode.XOR, -1, 0x0F0F0F0F, 0xF0F0F0F0), row(Opcode.NOR, 0, 0, -1), row(Opcode.NOR, 0xF0, 0x0F, ~0xFF),
                // Register shifts use the low five bits of rs2: 32 shifts by 0, 33 by 1, -1 by 31.
                row(Opcode.SLL, 0x80000001, 0, 0x80000001), row(Opcode.SLL, 1, 31, MIN), row(Opcode.SLL, 3, 32, 3),
                row(Opcode.SLL, 3, 33, 6), row(Opcode.SLL, 1, -1, MIN),
                row(Opcode.SRL, MIN, 0, MIN), row(Opcode.SRL, MIN, 31, 1), row(Opcode.SRL, MIN, 32, MIN),
                row(Opcode.SRL, -1, 33, MAX), row(Opcode.SRL, -1, -1, 1),
                row(Opcode.SRA, MIN, 0, MIN), row(Opcode.SRA, MIN, 31, -1), row(Opcode.SRA, MIN, 32, MIN),
                row(Opcode.SRA, MIN, 33, 0xC0000000), row(Opcode.SRA, MAX, 31, 0),
                row(Opcode.SLT, -1, 0, 1), row(Opcode.SLT, 0, -1, 0), row(Opcode.SLT, MIN, MAX, 1), row(Opcode.SLT, 5, 5, 0),
                row(Opcode.SLTU, -1, 0, 0), row(Opcode.SLTU, 0, -1, 1), row(Opcode.SLTU, MAX, MIN, 1), row(Opcode.SLTU, 5, 5, 0),
                row(Opcode.MUL, 0x10000, 0x10000, 0), row(Opcode.MUL, -1, -1, 1), row(Opcode.MUL, MIN, -1, MIN),
                row(Opcode.MUL, 0x12345, 0x6789, 0x12345 * 0x6789),
                row(Opcode.MULH, -1, -1, 0), row(Opcode.MULH, MIN, MIN, 0x40000000), row(Opcode.MULH, MAX, MAX, 0x3FFFFFFF),
                row(Opcode.MULH, -1, 1, -1), row(Opcode.MULH, MIN, -1, 0), row(Opcode.MULH, MIN, MAX, 0xC0000000),
                row(Opcode.MULHU, -1, -1, 0xFFFFFFFE), row(Opcode.MULHU, -1, 2, 1), row(Opcode.MULHU, MIN, 2, 1),
                row(Opcode.MULHU, MIN, MIN, 0x40000000),
                row(Opcode.DIV, 7, 2, 3), row(Opcode.DIV, -7, 2, -3), row(Opcode.DIV, 7, -2, -3), row(Opcode.DIV, -7, -2, 3),
                row(Opcode.DIV, MIN, -1, MIN), row(Opcode.DIV, MIN, 1, MIN), row(Opcode.DIV, MAX, -1, -MAX),
                row(Opcode.DIVU, -1, 2, MAX), row(Opcode.DIVU, 7, -1, 0), row(Opcode.DIVU, MIN, -1, 0), row(Opcode.DIVU, -1, -1, 1),
                row(Opcode.REM, -7, 2, -1), row(Opcode.REM, 7, -2, 1), row(Opcode.REM, MIN, -1, 0), row(Opcode.REM, MIN, 3, -2),
                row(Opcode.REMU, -1, 10, 5), row(Opcode.REMU, 5, -1, 5), row(Opcode.REMU, MIN, 3, 2),
                // Immediates: I sign-extends, IU zero-extends, SLTIU compares the sign-extended value unsigned.
                row(Opcode.ADDI, MAX, 1, MIN), row(Opcode.ADDI, 0, -32768, -32768), row(Opcode.ADDI, 0, 32767, 32767),
                row(Opcode.ADDI, 0, 0xFFFF, -1),
                row(Opcode.ADDIO, MAX - 1, 1, MAX), row(Opcode.ADDIO, MIN + 1, -1, MIN), row(Opcode.ADDIO, MIN, 32767, MIN + 32767),
                row(Opcode.SLTI, -1, 0, 1), row(Opcode.SLTI, 0, -1, 0), row(Opcode.SLTI, -32769, -32768, 1),
                row(Opcode.SLTIU, 0, -1, 1), row(Opcode.SLTIU, -2, -1, 1), row(Opcode.SLTIU, -1, -1, 0),
                row(Opcode.SLTIU, 0x7FFF, 0x8000, 1),
                row(Opcode.ANDI, -1, 0xFFFF, 0xFFFF), row(Opcode.ANDI, -1, 0x8000, 0x8000),
                row(Opcode.ORI, 0, 0x8000, 0x8000), row(Opcode.ORI, MIN, 0xFFFF, 0x8000FFFF),
                row(Opcode.XORI, -1, 0x8000, 0xFFFF7FFF), row(Opcode.XORI, 0, 0xFFFF, 0xFFFF),
                row(Opcode.LUI, 0, 0xFFFF, 0xFFFF0000), row(Opcode.LUI, 0, 0x8000, MIN), row(Opcode.LUI, 0, 1, 0x10000),
                row(Opcode.SLLI, 0x80000001, 0, 0x80000001), row(Opcode.SLLI, 1, 31, MIN), row(Opcode.SLLI, 3, 1, 6),
                row(Opcode.SRLI, MIN, 0, MIN), row(Opcode.SRLI, MIN, 31, 1), row(Opcode.SRLI, -1, 1, MAX),
                row(Opcode.SRAI, MIN, 0, MIN), row(Opcode.SRAI, MIN, 31, -1), row(Opcode.SRAI, MAX, 31, 0));
    }

    /** The one-instruction program computing op on (x, y) into t2. */
    static int encode(Opcode op, int rd, int x, int y) {
        switch (op.format) {
            case R: return op.encode(rd, T0, T1);
            case I: case IU: case SH: return op.encode(rd, T0, y);
            case U: return op.encode(rd, y);
            default: throw new IllegalArgumentException(op + " is not computational");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} = {3}")
    @MethodSource("cases")
    void computes(Opcode op, int x, int y, int expected) {
        TestMachine t = new TestMachine().set(T0, x).set(T1, y).set(T2, 0xBAD);
        t.load(encode(op, T2, x, y), TestMachine.brk()).run();
        assertEquals(expected, t.reg(T2), op.mnemonic);
        assertEquals(x, t.reg(T0), "source unchanged");
        assertEquals(1, t.machine.cpu.instret);
        assertEquals(TestMachine.CODE + 4, t.onlyTrap().epc(), "the break after it");
    }

    @Test
    void everyComputationalInstructionHasARow() {
        Set<Opcode> covered = EnumSet.noneOf(Opcode.class);
        cases().forEach(a -> covered.add((Opcode) a.get()[0]));
        for (Opcode op : Opcode.values()) {
            boolean computational = op.format == Format.R || op.format == Format.I || op.format == Format.IU
                    || op.format == Format.SH || op.format == Format.U;
            if (computational) assertTrue(covered.contains(op), op + " has no semantics row");
        }
    }

    /** The register forms again with rd = rs1: the result must use the operands read before the write. */
    static Stream<Arguments> registerCases() {
        return cases().filter(a -> ((Opcode) a.get()[0]).format == Format.R);
    }

    @ParameterizedTest(name = "rd = rs1: {0} {1} {2} = {3}")
    @MethodSource("registerCases")
    void rdMaySourceItself(Opcode op, int x, int y, int expected) {
        TestMachine t = new TestMachine().set(T0, x).set(T1, y);
        t.load(op.encode(T0, T0, T1), TestMachine.brk()).run();
        assertEquals(expected, t.reg(T0));
    }

    @Test
    void writesToR0AreIgnored() {
        for (Opcode op : Opcode.values()) {
            int w;
            switch (op.format) {
                case R: case I: case IU: case SH: case U: w = encode(op, ZERO, 0, 0); break;
                case RD: w = op.encode(ZERO); break;
                case LD: w = op.encode(ZERO, 0, T2); break;
                case J: w = op.encode(ZERO, 4); break;
                case JR: w = op.encode(ZERO, 4, T2); break;
                default: continue;
            }
            TestMachine t = new TestMachine().set(T0, 0x7FFF0003).set(T1, 5).set(T2, TestMachine.DATA);
            t.machine.memory.writeWord(TestMachine.DATA, -1);
            t.machine.cpu.cycles = 77;
            if (op == Opcode.JALR) t.set(T2, TestMachine.CODE + 4 - 4);
            // The second instruction reads r0: it must see zero.
            t.load(w, Opcode.ADD.encode(T3, ZERO, ZERO), TestMachine.brk()).run();
            assertEquals(0, t.reg(ZERO), op.mnemonic);
            assertEquals(0, t.reg(T3), op.mnemonic + ": a later read of r0");
        }
    }
}
