package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.K1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.machine.Cause;
import exo.kernel.abi.KernelCall;
import exo.kernel.env.Environment;
import exo.kernel.error.KernelError;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every kernel call, thousands of times, with random and boundary arguments: no host exception
 * ever escapes, and every failure is one of the errors the call table documents for that call.
 */
class SyscallFuzzTest {
    static final int[] INTERESTING = {0, 1, -1, 2, 3, 4, 5, 12, 13, 16, 17, 18, 0xFFF, 0x1000, 0x1002, 0x7FFFFFFF, 0x80000000, 0xFFFFF000, 64, 63, 16, 17, 257, 258,
        Guest.CODE, Guest.DATA, Guest.DATA + 0xFF0, 0x400000, 0x7FFF0000, 0x7FFFFFF0, 1024, 1023, 0xFFFFF};

    /** A program whose code is `syscall n` for every n in the table, then a spin. */
    static Guest table() {
        Guest g = new Guest("fuzz");
        for (KernelCall c : KernelCall.values()) g.sys(c);
        g.sys(0x3FFFFFF);
        return g.emit(exo.emulator.isa.Opcode.JAL.encode(0, 0));
    }

    @Test
    void randomArgumentsGetDocumentedErrorsAndNeverAHostException() {
        SplittableRandom rnd = new SplittableRandom(2026);
        Boot b = fresh();
        int calls = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            int index = rnd.nextInt(KernelCall.values().length + 1);
            KernelCall c = index < KernelCall.values().length ? KernelCall.values()[index] : null;
            if (c == KernelCall.ENV_EXIT || c == KernelCall.CONS_READ) continue;
            Environment self = b.kernel.current();
            if (self == null || !self.alive() || self.id != 257 || b.kernel.peek(Guest.CODE) < 0 || b.machine.isHalted()) {
                // exited, a transfer moved the CPU to a child, env_unguarantee unmapped its code, or
                // it gave its last slot away and yielded, which halts the machine
                b = fresh();
                self = b.kernel.current();
            }
            int[] r = b.machine.cpu.regs;
            for (int i = 1; i < 32; i++) r[i] = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : rnd.nextInt();
            int epc = Guest.CODE + 4 * index;
            b.machine.raise(Cause.SYSCALL, epc, 0);
            b.machine.step();
            calls++;
            if (c == null) {
                assertEquals(KernelError.NOSYS.code, r[A0]);
                continue;
            }
            if (c.errorsInK1()) {
                if (r[K0] == 0) {
                    assertTrue(c.errors.contains(KernelError.ofCode(r[K1])), c.callName + " returned undocumented " + r[K1]);
                } else {
                    assertEquals(c == KernelCall.PCT_SYNC ? 1 : 2, r[K0], c.callName);
                    assertEquals(self.id, r[K1], "the callee learns the caller");
                }
                continue;
            }
            if (b.kernel.current() != self || b.machine.cpu.pc != epc + 4) continue;
            if (r[A0] < 0 && returnsStatus(c)) {
                KernelError e = KernelError.ofCode(r[A0]);
                assertNotNull(e, c.callName + " returned " + r[A0]);
                assertTrue(c.errors.contains(e), c.callName + " returned undocumented " + e.symbol);
            }
        }
        assertTrue(calls > 15_000);
    }

    /** Calls whose a0 on success is never negative (tlb_probe/tlb_read return words that may be). */
    private static boolean returnsStatus(KernelCall c) {
        return c != KernelCall.TLB_READ && c != KernelCall.ENV_SELF;
    }

    private static Boot fresh() {
        Boot b = new Boot();
        b.boot(table());
        b.kernel.run(0);
        assertNotNull(b.kernel.current());
        return b;
    }
}
