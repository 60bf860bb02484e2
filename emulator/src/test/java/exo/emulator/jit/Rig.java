package exo.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.TestMachine;
import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A {@link TestMachine} with a stand-in kernel that never halts on a guest mistake, for
 * differential runs: it records every trap (cause, EPC, BADVADDR, cycle), refills TLB misses
 * below {@link TestMachine#MAPPED_LIMIT} with identity mappings, re-arms a periodic timer,
 * resumes faulting instructions at EPC + 4 (fetch faults at {@link #restart}), halts on
 * {@code break} unless told otherwise, charges kernel
 * cycles, and on {@code syscall} makes a seeded change to the TLB or ASID, as a kernel would.
 */
final class Rig {
    final TestMachine tm;
    final Machine m;
    final List<String> traps = new ArrayList<>();
    /** Timer period in cycles, or 0 for no timer. */
    long timerPeriod;
    /** Where execution resumes after a fault on an instruction fetch. */
    int restart = TestMachine.CODE;
    /** Whether {@code break} halts the machine (the end of a hand-built program) or resumes. */
    boolean haltOnBreak = true;
    /** Whether syscalls perturb the TLB and ASID. */
    boolean perturbTlb;
    /** A hook run on every syscall after the default handling, for tests that remap pages. */
    java.util.function.Consumer<Machine> onSyscall = m -> {};
    private final Random kernelRandom;
    private int trapLimit = 400;

    Rig(Engine engine, long seed) {
        tm = new TestMachine(engine);
        m = tm.machine;
        kernelRandom = new Random(seed);
        m.setTrapHandler(this::trap);
    }

    static Rig interp(long seed) {
        return new Rig(new Interpreter(), seed);
    }

    private void trap(Machine mm, Cause cause, int epc, int bad) {
        Cpu cpu = mm.cpu;
        traps.add(cause.shortName + "@" + Integer.toHexString(epc) + " bad=" + Integer.toHexString(bad) + " cyc=" + cpu.cycles
                + " ret=" + cpu.instret);
        if (traps.size() >= trapLimit) {
            mm.halt();
            return;
        }
        mm.chargeCycles(3);
        boolean miss = cause == Cause.TLB_MISS_LOAD || cause == Cause.TLB_MISS_STORE || cause == Cause.TLB_MISS_FETCH;
        if (miss && Integer.compareUnsigned(bad, TestMachine.MAPPED_LIMIT) < 0) {
            mm.tlb.writeReplacing(bad >>> 12, mm.mmu.asid(), bad >>> 12, Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE);
            return;
        }
        switch (cause) {
            case TIMER:
                cpu.timerCompare = cpu.cycles + timerPeriod;
                return;
            case TLB_MISS_FETCH: case ADDR_FETCH: case PROT_FETCH:
                cpu.pc = restart;
                return;
            case BUS_ERROR:
                cpu.pc = bad == epc ? restart : epc + 4;
                return;
            case BREAK:
                if (haltOnBreak) mm.halt();
                else cpu.pc = epc + 4;
                return;
            case SYSCALL:
                if (perturbTlb) perturb(mm);
                onSyscall.accept(mm);
                cpu.pc = epc + 4;
                return;
            default:
                cpu.pc = epc + 4;
        }
    }

    private void perturb(Machine mm) {
        switch (kernelRandom.nextInt(5)) {
            case 0: mm.tlb.flushAll(); break;
            case 1: mm.tlb.invalidate(kernelRandom.nextInt(Tlb.SIZE)); break;
            case 2: mm.setAsid(kernelRandom.nextInt(3)); break;
            case 3: // swap the two data pages' mappings
                mm.tlb.writeReplacing(8, mm.mmu.asid(), 9, Tlb.VALID | Tlb.WRITABLE);
                mm.tlb.writeReplacing(9, mm.mmu.asid(), 8, Tlb.VALID | Tlb.WRITABLE);
                break;
            default: mm.tlb.clearReferenced(kernelRandom.nextInt(Tlb.SIZE)); break;
        }
    }

    Rig load(int at, int... words) {
        for (int i = 0; i < words.length; i++) m.memory.writeWord(at + 4 * i, words[i]);
        return this;
    }

    Rig set(int r, int v) {
        m.cpu.regs[r] = v;
        return this;
    }

    Rig start(int pc) {
        m.cpu.pc = pc;
        if (timerPeriod > 0) m.cpu.timerCompare = timerPeriod;
        return this;
    }

    Rig run(long budget) {
        m.run(budget);
        return this;
    }

    /** Asserts that every architectural fact of the two machines agrees. */
    static void assertSameState(Rig expected, Rig actual, String what) {
        Cpu e = expected.m.cpu, a = actual.m.cpu;
        assertEquals(expected.traps, actual.traps, what + ": trap sequence");
        assertArrayEquals(e.regs, a.regs, what + ": registers");
        assertEquals(e.pc, a.pc, what + ": pc");
        assertEquals(e.instret, a.instret, what + ": instret");
        assertEquals(e.cycles, a.cycles, what + ": cycles");
        assertEquals(e.epc, a.epc, what + ": epc");
        assertEquals(e.cause, a.cause, what + ": cause");
        assertEquals(e.badVaddr, a.badVaddr, what + ": badvaddr");
        assertEquals(e.timerCompare, a.timerCompare, what + ": timer compare");
        assertEquals(expected.m.isHalted(), actual.m.isHalted(), what + ": halted");
        assertEquals(expected.m.mmu.asid(), actual.m.mmu.asid(), what + ": asid");
        for (int s = 0; s < Tlb.SIZE; s++) {
            Tlb te = expected.m.tlb, ta = actual.m.tlb;
            assertEquals(te.flags(s), ta.flags(s), what + ": TLB flags of slot " + s);
            if (te.isValid(s)) {
                assertEquals(te.vpn(s), ta.vpn(s), what + ": TLB vpn of slot " + s);
                assertEquals(te.asid(s), ta.asid(s), what + ": TLB asid of slot " + s);
                assertEquals(te.pfn(s), ta.pfn(s), what + ": TLB pfn of slot " + s);
            }
        }
        assertArrayEquals(expected.m.memory.toArray(), actual.m.memory.toArray(), what + ": physical memory");
    }
}
