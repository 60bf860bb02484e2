package exo.emulator.interp;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.DATA;
import static exo.emulator.TestMachine.RA;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.T3;
import static exo.emulator.TestMachine.ZERO;
import static exo.emulator.TestMachine.brk;
import static exo.emulator.TestMachine.nop;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.TestMachine;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Tlb;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Loads, stores, branches, jumps and counters at their edges. */
class MemoryControlTest {
    /** Bytes at DATA: 80 7f ff 01 | 00 80 ff 7f | 78 56 34 12 (little-endian words). */
    private static TestMachine withData() {
        TestMachine t = new TestMachine();
        t.machine.memory.writeWord(DATA, 0x01FF7F80);
        t.machine.memory.writeWord(DATA + 4, 0x7FFF8000);
        t.machine.memory.writeWord(DATA + 8, 0x12345678);
        return t;
    }

    static Stream<Arguments> loads() {
        return Stream.of(
                Arguments.of(Opcode.LB, 0, 0xFFFFFF80), Arguments.of(Opcode.LB, 1, 0x7F), Arguments.of(Opcode.LB, 2, -1),
                Arguments.of(Opcode.LBU, 0, 0x80), Arguments.of(Opcode.LBU, 2, 0xFF), Arguments.of(Opcode.LBU, 3, 1),
                Arguments.of(Opcode.LH, 0, 0x7F80), Arguments.of(Opcode.LH, 2, 0x01FF), Arguments.of(Opcode.LH, 4, 0xFFFF8000),
                Arguments.of(Opcode.LH, 6, 0x7FFF),
                Arguments.of(Opcode.LHU, 4, 0x8000), Arguments.of(Opcode.LHU, 6, 0x7FFF),
                Arguments.of(Opcode.LW, 0, 0x01FF7F80), Arguments.of(Opcode.LW, 8, 0x12345678));
    }

    @ParameterizedTest(name = "{0} at +{1}")
    @MethodSource("loads")
    void loadsExtend(Opcode op, int offset, int expected) {
        // Base past the data, negative offset: the address is rs1 + sext(imm).
        TestMachine t = withData().set(T0, DATA + 0x100);
        t.load(op.encode(T1, offset - 0x100, T0), brk()).run();
        assertEquals(expected, t.reg(T1));
        assertEquals(1, t.machine.cpu.instret);
    }

    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of(Opcode.SB, 1, 0x01FFAB80), Arguments.of(Opcode.SB, 3, 0xABFF7F80),
                Arguments.of(Opcode.SH, 0, 0x01FFCDAB), Arguments.of(Opcode.SH, 2, 0xCDAB7F80),
                Arguments.of(Opcode.SW, 0, 0x89EFCDAB));
    }

    @ParameterizedTest(name = "{0} at +{1}")
    @MethodSource("stores")
    void storesWriteOnlyTheirWidthLittleEndian(Opcode op, int offset, int expectedWord) {
        TestMachine t = withData().set(T0, DATA).set(T1, 0x89EFCDAB);
        t.load(op.encode(T1, offset, T0), brk()).run();
        assertEquals(expectedWord, t.word(DATA));
        assertEquals(0x7FFF8000, t.word(DATA + 4), "the next word is untouched");
        assertEquals(0, t.word(DATA - 4), "the previous word is untouched");
    }

    @Test
    void storeIntoTheCodePageBeingRunIsSeenByTheNextFetch() {
        // sw t1, 8(t0) overwrites the instruction two words on, on the page being fetched from.
        TestMachine t = new TestMachine().set(T0, CODE).set(T1, Opcode.ADDI.encode(T2, ZERO, 7));
        t.load(Opcode.SW.encode(T1, 8, T0), nop(), Opcode.ADDI.encode(T2, ZERO, 1), brk()).run();
        assertEquals(7, t.reg(T2));
    }

    @Test
    void addressWrapsAroundTheTopOfTheAddressSpace() {
        // rs1 = 0xFFFFFFF0, imm = 0x20: the sum wraps to 0x10.
        TestMachine t = new TestMachine().set(T0, -16);
        t.machine.memory.writeWord(0x10, 0x600DCAFE);
        t.load(Opcode.LW.encode(T1, 0x20, T0), brk()).run();
        assertEquals(0x600DCAFE, t.reg(T1));
    }

    static Stream<Arguments> branches() {
        int min = Integer.MIN_VALUE;
        return Stream.of(
                Arguments.of(Opcode.BEQ, 5, 5, true), Arguments.of(Opcode.BEQ, 5, -5, false),
                Arguments.of(Opcode.BNE, 5, 5, false), Arguments.of(Opcode.BNE, 0, min, true),
                Arguments.of(Opcode.BLT, -1, 0, true), Arguments.of(Opcode.BLT, 0, -1, false), Arguments.of(Opcode.BLT, 3, 3, false),
                Arguments.of(Opcode.BLT, min, Integer.MAX_VALUE, true),
                Arguments.of(Opcode.BGE, 3, 3, true), Arguments.of(Opcode.BGE, -1, 0, false), Arguments.of(Opcode.BGE, 0, min, true),
                Arguments.of(Opcode.BLTU, -1, 0, false), Arguments.of(Opcode.BLTU, 0, -1, true), Arguments.of(Opcode.BLTU, 3, 3, false),
                Arguments.of(Opcode.BGEU, 0, -1, false), Arguments.of(Opcode.BGEU, -1, 0, true), Arguments.of(Opcode.BGEU, 3, 3, true));
    }

    /** Program: [branch +12] [addi t2,1] [break] [addi t2,2] [break]; taken lands on the second break. */
    @ParameterizedTest(name = "{0} {1}, {2}: taken={3}")
    @MethodSource("branches")
    void branchesCompare(Opcode op, int x, int y, boolean taken) {
        TestMachine t = new TestMachine().set(T0, x).set(T1, y);
        t.load(op.encode(T0, T1, 12), Opcode.ADDI.encode(T2, ZERO, 1), brk(), Opcode.ADDI.encode(T2, ZERO, 2), brk()).run();
        assertEquals(taken ? 2 : 1, t.reg(T2));
        assertEquals(CODE + (taken ? 16 : 8), t.onlyTrap().epc());
    }

    @Test
    void backwardBranchLoops() {
        // t0 = 5; loop: t1 += 1; t0 -= 1; bne t0, zero, loop
        TestMachine t = new TestMachine();
        t.load(Opcode.ADDI.encode(T0, ZERO, 5), Opcode.ADDI.encode(T1, T1, 1), Opcode.ADDI.encode(T0, T0, -1),
                Opcode.BNE.encode(T0, ZERO, -8), brk()).run();
        assertEquals(5, t.reg(T1));
        assertEquals(1 + 3 * 5, t.machine.cpu.instret);
    }

    @Test
    void jalLinksTheNextInstruction() {
        TestMachine t = new TestMachine();
        t.load(nop(), Opcode.JAL.encode(RA, 12), brk(), brk(), brk()).run();
        assertEquals(CODE + 8, t.reg(RA));
        assertEquals(CODE + 16, t.onlyTrap().epc());
    }

    @Test
    void jalrComputesTheTargetBeforeWritingTheLink() {
        // jalr t0, -4(t0) with t0 = CODE + 16: the target uses the old t0.
        TestMachine t = new TestMachine().set(T0, CODE + 16);
        t.load(Opcode.JALR.encode(T0, -4, T0), brk(), brk(), brk(), brk()).run();
        assertEquals(CODE + 4, t.reg(T0));
        assertEquals(CODE + 12, t.onlyTrap().epc());
    }

    @Test
    void jalrToAMisalignedTargetRetiresThenFaultsOnTheFetch() {
        TestMachine t = new TestMachine().set(T0, CODE + 10);
        t.load(Opcode.JALR.encode(RA, 0, T0), brk(), brk(), brk()).run();
        assertEquals(CODE + 4, t.reg(RA), "the jump retired");
        assertEquals(new TestMachine.Trap(Cause.ADDR_FETCH, CODE + 10, CODE + 10), t.onlyTrap());
        assertEquals(1, t.machine.cpu.instret);
    }

    @Test
    void countersCountCyclesAndRetiredInstructionsBeforeTheReader() {
        TestMachine t = new TestMachine();
        t.load(Opcode.RDCYCLE.encode(T0), nop(), nop(), Opcode.RDCYCLE.encode(T1), Opcode.RDINSTRET.encode(T2), brk()).run();
        assertEquals(0, t.reg(T0));
        assertEquals(3, t.reg(T1));
        assertEquals(4, t.reg(T2));
        assertEquals(5, t.machine.cpu.instret, "the break did not retire");
        assertEquals(5, t.machine.cpu.cycles);
    }

    @Test
    void highHalvesOfTheCounters() {
        TestMachine t = new TestMachine();
        t.machine.cpu.cycles = 0x1_FFFF_FFFEL;
        t.machine.cpu.instret = 0x2_FFFF_FFFFL;
        t.load(Opcode.RDCYCLE.encode(T0), Opcode.RDCYCLEH.encode(T1), Opcode.RDCYCLE.encode(T2), Opcode.RDCYCLEH.encode(T3),
                Opcode.RDINSTRET.encode(S(0)), Opcode.RDINSTRETH.encode(S(1)), brk()).run();
        assertEquals(0xFFFFFFFE, t.reg(T0));
        assertEquals(1, t.reg(T1));
        assertEquals(0, t.reg(T2), "the low half wrapped two instructions later");
        assertEquals(2, t.reg(T3));
        assertEquals(3, t.reg(S(0)));
        assertEquals(3, t.reg(S(1)));
    }

    @Test
    void kernelChargesShowInCyclesButNotInInstret() {
        TestMachine t = new TestMachine();
        t.machine.tlb.write(0, CODE >>> 12, 0, CODE >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
        t.machine.setTrapHandler((m, cause, epc, bad) -> {
            m.chargeCycles(100);
            m.cpu.pc = epc + 4;
        });
        t.load(Opcode.SYSCALL.encode(0), Opcode.RDCYCLE.encode(T0), Opcode.RDINSTRET.encode(T1), Opcode.BEQ.encode(ZERO, ZERO, 0)).run(10);
        assertEquals(100, t.reg(T0));
        assertEquals(1, t.reg(T1));
    }

    private static int S(int i) {
        return TestMachine.S0 + i;
    }
}
