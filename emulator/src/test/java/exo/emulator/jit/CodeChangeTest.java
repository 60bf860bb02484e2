package exo.emulator.jit;

import static exo.emulator.isa.Opcode.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Code that changes under a translation: stores into the running loop, the kernel loading new
 * code, a virtual page remapped to another physical page, an ASID switch between two mappings
 * of the same virtual page. Each runs under both engines and must agree; the JIT must also
 * have noticed (invalidations) rather than agreed by never translating.
 */
class CodeChangeTest {
    private static final int CODE = TestMachine.CODE;

    private static Rig[] both(Consumer<Rig> setup, long budget) {
        Rig ref = Rig.interp(7);
        Rig jr = new Rig(Verified.jit(), 7);
        for (Rig r : new Rig[] {ref, jr}) {
            setup.accept(r);
            r.run(budget);
        }
        Rig.assertSameState(ref, jr, "run");
        return new Rig[] {ref, jr};
    }

    private static JitStats stats(Rig r) {
        return ((Jit) r.m.engine()).stats();
    }

    @Test
    void storeIntoTheRunningLoopTakesEffectOnTheNextIteration() {
        int patched = CODE + 4 * 4;
        int[] program = {
            ADDI.encode(1, 0, 100),          // r1 = iterations
            ADDI.encode(9, 0, 50),           // patch when r1 == 50
            LUI.encode(7, ADDI.encode(2, 2, 100) >>> 16),
            ORI.encode(7, 7, ADDI.encode(2, 2, 100) & 0xFFFF),
            ADDI.encode(2, 2, 1),            // loop: the instruction that gets replaced
            BNE.encode(1, 9, 2 * 4),
            SW.encode(7, 0, 8),              // overwrite the loop's first instruction
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -4 * 4),
            BREAK.encode(0),
        };
        Rig[] r = both(rig -> rig.set(8, patched).load(CODE, program).start(CODE), 100_000);
        assertEquals(51 + 49 * 100, r[1].m.cpu.regs[2]);
        assertTrue(stats(r[1]).invalidations() > 0, "the patched translation was dropped");
    }

    @Test
    void storeToTheInstructionRightAfterItselfIsSeen() {
        int[] program = {
            ADDI.encode(1, 0, 30),
            ADDI.encode(2, 2, 1),            // loop
            SW.encode(7, 4 * 4, 8),          // rewrites the next instruction's slot (r8 = CODE)
            ADDI.encode(3, 3, 1),            // replaced by r7 on the first pass
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -4 * 4),
            BREAK.encode(0),
        };
        Rig[] r = both(rig -> rig.set(8, CODE - 4).set(7, ADDI.encode(4, 4, 9)).load(CODE, program).start(CODE), 100_000);
        assertEquals(0, r[1].m.cpu.regs[3]);
        assertEquals(30 * 9, r[1].m.cpu.regs[4]);
    }

    @Test
    void kernelLoadingNewCodeInvalidatesTranslations() {
        // loop: addi r2, r2, imm; syscall (every tenth time the kernel rewrites imm); 100 times
        int[] program = {
            ADDI.encode(1, 0, 100),
            ADDI.encode(2, 2, 1),
            SYSCALL.encode(0),
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -3 * 4),
            BREAK.encode(0),
        };
        Rig[] r = both(rig -> {
            rig.load(CODE, program).start(CODE);
            rig.onSyscall = m -> {
                int i = m.cpu.regs[1];
                if (i % 10 == 0) m.memory.write(CODE + 4, le(ADDI.encode(2, 2, i)), 0, 4);
            };
        }, 100_000);
        int expected = 0;
        for (int i = 100, imm = 1; i > 0; i--) {
            expected += imm;
            if (i % 10 == 0) imm = i;
        }
        assertEquals(expected, r[1].m.cpu.regs[2]);
        JitStats s = stats(r[1]);
        assertTrue(s.invalidations() >= 5 && s.translatedInstructions() > 100, "rewrites invalidated live translations: " + s);
    }

    private static byte[] le(int w) {
        return new byte[] {(byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24)};
    }

    /** Code at virtual page V, run from physical page P1, then P2, then P1 again. */
    private static final int V = 0x50000, P1 = 0x30000, P2 = 0x31000;

    private static int[] pass(int increment) {
        return new int[] {
            ADDI.encode(2, 2, increment),    // 0: the only difference between the pages
            ADDI.encode(1, 1, -1),
            BNE.encode(1, 0, -2 * 4),
            SYSCALL.encode(0),               // kernel switches the mapping
            ADDI.encode(3, 3, 1),
            ADDI.encode(1, 0, 100),
            BLT.encode(3, 4, -6 * 4),
            BREAK.encode(0),
        };
    }

    private static void twoPages(Rig rig) {
        rig.load(P1, pass(1)).load(P2, pass(1000));
        rig.set(1, 100).set(4, 3);
        rig.start(V);
    }

    @Test
    void remappingAVirtualPageRunsTheNewPhysicalPage() {
        Rig[] r = both(rig -> {
            twoPages(rig);
            rig.m.tlb.writeReplacing(V >>> 12, 0, P1 >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
            int[] syscalls = {0};
            rig.onSyscall = m -> {
                int target = ++syscalls[0] % 2 == 1 ? P2 : P1;
                m.tlb.writeReplacing(V >>> 12, 0, target >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
            };
        }, 100_000);
        assertEquals(100 + 100 * 1000 + 100, r[1].m.cpu.regs[2]);
        assertTrue(stats(r[1]).regionsTranslated() >= 2, "both pages were translated");
    }

    @Test
    void switchingAsidSelectsTheOtherMapping() {
        Rig[] r = both(rig -> {
            twoPages(rig);
            rig.m.tlb.writeReplacing(V >>> 12, 1, P1 >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
            rig.m.tlb.writeReplacing(V >>> 12, 2, P2 >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
            rig.m.setAsid(1);
            rig.onSyscall = (Machine m) -> m.setAsid(m.mmu.asid() == 1 ? 2 : 1);
        }, 100_000);
        assertEquals(100 + 100 * 1000 + 100, r[1].m.cpu.regs[2]);
    }

    @Test
    void oversizedRegionsAreSplitUnderTheMethodLimit() {
        // A page of straight-line loads and stores: far more bytecode than one method may hold.
        int[] program = new int[1024];
        for (int i = 0; i < program.length; i++) {
            program[i] = i % 2 == 0 ? SW.encode(i % 29 + 1, 4 * (i % 64), 20) : LW.encode(i % 29 + 1, 4 * (i % 61), 20);
        }
        Rig[] r = both(rig -> rig.set(20, TestMachine.DATA).load(0x4000, program).load(0x5000, BREAK.encode(0)).start(0x4000), 10_000);
        Rig jr = new Rig(Verified.jit(1, 1024), 7);
        jr.set(20, TestMachine.DATA).load(0x4000, program).load(0x5000, BREAK.encode(0)).start(0x4000).run(10_000);
        Rig.assertSameState(r[0], jr, "cap 1024");
        JitStats s = stats(jr);
        assertTrue(s.resizes() > 0, "regions were shrunk: " + s);
        assertTrue(s.largestMethodBytes() <= Jit.METHOD_LIMIT, "largest method " + s.largestMethodBytes());
        assertTrue(stats(r[1]).largestMethodBytes() <= Jit.METHOD_LIMIT);
    }
}
