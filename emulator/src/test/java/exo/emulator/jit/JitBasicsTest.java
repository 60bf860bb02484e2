package exo.emulator.jit;

import static exo.emulator.isa.Opcode.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import org.junit.jupiter.api.Test;

/** Hand-built programs under both engines: same registers, memory, counters and traps. */
class JitBasicsTest {
    private static final int CODE = TestMachine.CODE, DATA = TestMachine.DATA;

    /** Runs words at CODE under the interpreter and a verifying JIT; returns the JIT rig. */
    private static Rig both(int[] program, long budget, long timerPeriod) {
        Rig ref = Rig.interp(1);
        Jit jit = Verified.jit();
        Rig jr = new Rig(jit, 1);
        for (Rig r : new Rig[] {ref, jr}) {
            r.timerPeriod = timerPeriod;
            r.load(CODE, program).start(CODE).run(budget);
        }
        Rig.assertSameState(ref, jr, "program");
        return jr;
    }

    /** sum = 0; for (i = 100; i != 0; i--) { mem[DATA + 4i] = i * 3; sum += mem[DATA + 4i]; } */
    static int[] loop(int count) {
        return new int[] {
            ADDI.encode(1, 0, count),       // r1 = count
            LUI.encode(2, DATA >>> 16),     // r2 = DATA (high half)
            ORI.encode(2, 2, DATA & 0xFFFF),
            ADDI.encode(3, 0, 0),           // r3 = sum
            SLLI.encode(4, 1, 2),           // loop: r4 = i * 4
            ADD.encode(4, 4, 2),            // r4 = &mem[i]
            ADDI.encode(5, 0, 3),
            MUL.encode(5, 5, 1),
            SW.encode(5, 0, 4),
            LW.encode(6, 0, 4),
            ADD.encode(3, 3, 6),
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -8 * 4),
            BREAK.encode(0),
        };
    }

    /**
     * The tests run where jdk.internal.misc is exported (surefire's argLine, as the CLI's jar
     * manifest does), so the default translations access pages raw and the tests exercise that
     * path; without the export every JIT test would silently test only the checked accessors.
     */
    @Test
    void theTestsExerciseRawPageAccesses() {
        assertTrue(RawAccess.available(), "jdk.internal.misc not exported to the tests (see the root pom's argLine)");
        assertTrue(JitOptions.DEFAULT.rawAccess());
        assertTrue(!JitOptions.DEFAULT.withRawAccess(false).rawAccess());
    }

    @Test
    void loopMatchesInterpreterAndRunsTranslated() {
        Rig r = both(loop(100), 100_000, 0);
        assertEquals(3 * 5050, r.m.cpu.regs[3]);
        JitStats s = ((Jit) r.m.engine()).stats();
        assertTrue(s.regionsTranslated() > 0, "translated something");
        assertTrue(s.translatedInstructions() > 500, "the loop ran in translated code: " + s);
        assertTrue(s.largestMethodBytes() < 8000);
    }

    @Test
    void timerInterruptLandsOnTheSameCycleInsideALoop() {
        for (long period : new long[] {1, 2, 3, 7, 13, 64, 100, 257}) {
            Rig r = both(loop(300), 100_000, period);
            assertTrue(r.traps.stream().filter(t -> t.startsWith("timer")).count() > 5, "period " + period + " " + r.traps.size());
        }
    }

    @Test
    void everyArithmeticTrapIsPreciseInTranslatedCode() {
        int[] program = {
            LUI.encode(1, 0x7FFF), ORI.encode(1, 1, 0xFFFF), // r1 = INT_MAX
            ADDI.encode(2, 0, 1),
            ADDO.encode(3, 1, 2),           // overflow: r3 unchanged
            SUBO.encode(3, 0, 1),
            ADDIO.encode(4, 1, 1),          // overflow
            DIV.encode(5, 1, 0),            // divide by zero
            REMU.encode(5, 1, 0),
            LW.encode(6, 2, 0),             // misaligned load at 1+2 = 3
            SH.encode(6, 1, 2),             // misaligned store
            LW.encode(7, 0, 1),             // INT_MAX: unmapped, TLB miss
            SYSCALL.encode(5),
            0xFFFFFFFF,                     // illegal
            RDCYCLE.encode(8), RDINSTRET.encode(9), RDCYCLEH.encode(10), RDINSTRETH.encode(11),
            BREAK.encode(7),
        };
        Rig r = both(program, 40, 0);
        assertTrue(r.traps.size() >= 10, r.traps.toString());
    }

    /**
     * Translated code checks alignment and the host-cache tag in one compare: a misaligned
     * access to a page the host cache holds must still trap, with BADVADDR, and leave no trace.
     */
    @Test
    void misalignedAccessesTrapEvenWhenTheirPageIsCached() {
        int[] program = {
            ADDI.encode(1, 0, 60),          // r1 = iterations
            LUI.encode(2, DATA >>> 16),
            ORI.encode(2, 2, DATA & 0xFFFF), // r2 = DATA
            SW.encode(1, 0, 2),             // loop: aligned store and load cache the page
            LW.encode(3, 0, 2),
            LW.encode(4, 1, 2),             // misaligned word load
            LH.encode(5, 3, 2),             // misaligned half load
            SW.encode(3, 2, 2),             // misaligned word store
            SH.encode(3, 1, 2),             // misaligned half store
            LHU.encode(6, 2, 2),            // aligned half: must not trap
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -9 * 4),
            BREAK.encode(0),
        };
        Rig r = both(program, 100_000, 0);
        assertEquals(4 * 60, r.traps.stream().filter(t -> t.startsWith("addr-load@") || t.startsWith("addr-store@")).count(), r.traps.toString());
        assertTrue(((Jit) r.m.engine()).stats().translatedInstructions() > 0);
    }

    /**
     * A host-cache miss whose page the TLB maps takes the slow path, which completes the
     * access and leaves the region at the next instruction (it never rejoins the loop). Two
     * virtual pages that share a host-cache line, used in turn, make every access of the loop
     * miss, so every pass through the translation leaves at its first access, under timers
     * landing anywhere in the loop.
     */
    @Test
    void slowAccessesLeaveTheLoopExactly() {
        int far = DATA + (Mmu.HOST_LINES << PhysicalMemory.PAGE_SHIFT); // DATA's host-cache line
        int[] program = {
            ADDI.encode(1, 0, 80),          // r1 = iterations
            LUI.encode(2, DATA >>> 16),
            ORI.encode(2, 2, DATA & 0xFFFF), // r2 = DATA
            LUI.encode(7, far >>> 16),
            ORI.encode(7, 7, far & 0xFFFF), // r7 = far
            SW.encode(1, 0, 2),             // loop: store to DATA
            LW.encode(3, 0, 7),             //   load from far (misses: the line holds DATA)
            ADD.encode(4, 4, 3),
            SW.encode(4, 4, 7),             //   store to far
            LW.encode(5, 0, 2),             //   load from DATA
            ADD.encode(6, 6, 5),
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -7 * 4),
            BREAK.encode(0),
        };
        for (long period : new long[] {0, 3, 7, 29, 100}) {
            Rig ref = Rig.interp(1);
            Rig jr = new Rig(Verified.jit(), 1);
            for (Rig r : new Rig[] {ref, jr}) {
                r.timerPeriod = period;
                r.m.tlb.writeReplacing(far >>> PhysicalMemory.PAGE_SHIFT, r.m.mmu.asid(), 0x40, Tlb.VALID | Tlb.WRITABLE);
                r.load(CODE, program).start(CODE).run(100_000);
            }
            Rig.assertSameState(ref, jr, "timer period " + period);
            assertEquals(80 * 81 / 2, jr.m.cpu.regs[6], "sum of the values stored at DATA");
            JitStats s = ((Jit) jr.m.engine()).stats();
            if (period == 0) {
                assertTrue(s.translatedInstructions() > 0, "the loop ran translated: " + s);
                assertTrue(s.dispatches() >= 60, "left the region at a slow access every iteration: " + s);
            }
        }
    }

    @Test
    void callsAndReturnsThroughTheIndirectJumpPath() {
        // main: r1 = 200; loop: jal r31, f; addi r1, r1, -1; bne r1, r0, loop; break
        // f: addi r2, r2, 5; jalr r0, 0(r31)
        int[] program = {
            ADDI.encode(1, 0, 200),
            JAL.encode(31, 4 * 4),
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -2 * 4),
            BREAK.encode(0),
            ADDI.encode(2, 2, 5),
            JALR.encode(0, 0, 31),
        };
        Rig r = both(program, 100_000, 0);
        assertEquals(1000, r.m.cpu.regs[2]);
        JitStats s = ((Jit) r.m.engine()).stats();
        assertTrue(s.linkedDispatches() > 100, "returns found their successor through links: " + s);
    }

    @Test
    void budgetStopsAtTheSameInstruction() {
        for (long budget = 1; budget < 400; budget += 7) {
            Rig ref = Rig.interp(1);
            Rig jr = new Rig(Verified.jit(), 1);
            ref.load(CODE, loop(50)).start(CODE).run(budget).run(budget);
            jr.load(CODE, loop(50)).start(CODE).run(budget).run(budget);
            Rig.assertSameState(ref, jr, "budget " + budget);
        }
    }

    @Test
    void enginesByName() {
        Engine e = Engines.create("jit");
        assertEquals("jit", e.name());
        assertEquals("interp", Engines.create("interp").name());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Engines.create("qemu"));
        assertEquals("unknown engine 'qemu'; choose one of jit, interp", x.getMessage());
    }
}
