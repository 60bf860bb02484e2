package exo.emulator.machine;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.ZERO;
import static exo.emulator.TestMachine.nop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The timer interrupt arrives before the first instruction at which cycles >= timer compare. */
class TimerTest {
    /** An endless counting loop: t0 += 1; jump back. */
    private static TestMachine counting() {
        TestMachine t = new TestMachine();
        t.machine.tlb.write(0, CODE >>> 12, 0, CODE >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
        t.load(Opcode.ADDI.encode(T0, T0, 1), Opcode.JAL.encode(ZERO, -4));
        return t;
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 7, 1000, (1 << 20) + 3})
    void firesAtTheExactCycle(long compare) {
        TestMachine t = counting();
        t.machine.cpu.badVaddr = 0x5EED;
        t.machine.cpu.timerCompare = compare;
        t.run(10_000_000);
        assertEquals(new TestMachine.Trap(Cause.TIMER, CODE + (int) (compare % 2) * 4, 0x5EED), t.onlyTrap());
        assertEquals(compare, t.machine.cpu.cycles);
        assertEquals(compare, t.machine.cpu.instret);
        assertEquals((int) ((compare + 1) / 2), t.reg(T0), "instructions before the interrupt all retired");
        assertFalse(t.machine.cpu.timerArmed(), "delivery disarms the timer");
    }

    @Test
    void exactWhateverTheBudgetSlicing() {
        TestMachine whole = counting(), sliced = counting();
        whole.machine.cpu.timerCompare = 101;
        sliced.machine.cpu.timerCompare = 101;
        whole.run(1000);
        for (int i = 0; i < 1000 && sliced.traps.isEmpty(); i++) sliced.run(1);
        assertEquals(whole.traps, sliced.traps);
        assertEquals(101, sliced.machine.cpu.cycles);
    }

    @Test
    void kernelChargesBringTheInterruptForward() {
        TestMachine t = counting();
        t.machine.cpu.timerCompare = 50;
        t.run(10);
        t.machine.chargeCycles(35);
        t.run(100);
        assertEquals(CODE + 4, t.onlyTrap().epc(), "after 15 instructions");
        assertEquals(50, t.machine.cpu.cycles);
        assertEquals(15, t.machine.cpu.instret);
    }

    @Test
    void aPastDeadlineFiresBeforeTheNextInstruction() {
        TestMachine t = counting();
        t.machine.cpu.cycles = 500;
        t.machine.cpu.timerCompare = 10;
        t.run(100);
        assertEquals(CODE, t.onlyTrap().epc());
        assertEquals(0, t.machine.cpu.instret);
    }

    @Test
    void periodicInterruptsAreEvenlySpaced() {
        TestMachine t = counting();
        t.timerPeriod = 100;
        t.machine.cpu.timerCompare = 100;
        t.run(1000);
        assertEquals(10, t.traps.size(), "at 100, 200, ... 1000: an interrupt due at the budget's end comes first");
        for (TestMachine.Trap trap : t.traps) assertEquals(Cause.TIMER, trap.cause());
        assertEquals(1000, t.machine.cpu.instret);
        assertEquals(500, t.reg(T0));
    }

    @Test
    void singleStepDeliversADueInterruptInsteadOfExecuting() {
        TestMachine t = counting();
        t.machine.cpu.timerCompare = 2;
        t.machine.step();
        t.machine.step();
        assertTrue(t.traps.isEmpty());
        t.machine.step();
        assertEquals(List.of(new TestMachine.Trap(Cause.TIMER, CODE, 0)), t.traps);
        assertEquals(2, t.machine.cpu.instret, "the step took the interrupt and executed nothing");
    }

    @Test
    void theInterruptCountsAsATrap() {
        TestMachine t = counting();
        t.load(nop(), nop(), nop());
        t.machine.cpu.timerCompare = 1;
        t.run(10);
        assertEquals(1, t.machine.trapCounts[Cause.TIMER.code]);
    }
}
