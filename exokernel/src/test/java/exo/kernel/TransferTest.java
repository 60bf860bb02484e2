package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.K1;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.isa.Opcode;
import exo.kernel.abi.KernelCall;
import exo.kernel.abi.KernelCallHandlers;
import exo.kernel.error.KernelError;
import exo.os.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferTest {
    static final int A_ID = 257, B_ID = 258;

    /** The caller: sets its entry, lets B set up, sends 42 (and 7 in s0), exits with B's reply. */
    static Guest caller(KernelCall pct) {
        Guest g = new Guest("caller");
        int skip = g.hole();
        int entry = g.pc();
        g.li(T0, B_ID);
        int bad = g.hole();
        g.sys(KernelCall.ENV_EXIT);                       // a0 = the reply
        int fail = g.pc();
        g.exit(99);
        g.patchBranch(bad, Opcode.BNE, K1, T0, fail);
        g.patchJump(skip, g.pc());
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC).li(A4, entry).sys(KernelCall.ENV_SET_PC);
        g.li(A0, 0).sys(KernelCall.YIELD);
        g.li(A0, 42).li(S0, 7).li(K1, B_ID).sys(pct);
        g.mv(A0, K1).sys(KernelCall.ENV_EXIT);            // only on failure
        return g;
    }

    /** The callee: checks k0/k1, replies a0 + s0 + 1 to the caller by a synchronous transfer. */
    static Guest callee(int expectKind) {
        Guest g = new Guest("callee");
        int skip = g.hole();
        int entry = g.pc();
        g.li(T0, A_ID);
        int bad1 = g.hole();
        g.li(T0, expectKind);
        int bad2 = g.hole();
        g.emit(Opcode.ADD.encode(A0, A0, S0)).addi(A0, A0, 1);
        g.sys(KernelCall.PCT_SYNC);                       // k1 still names the caller
        g.exit(0);                                     // where the callee resumes at its next slice
        int fail = g.pc();
        g.exit(98);
        g.patchBranch(bad1, Opcode.BNE, K1, T0, fail);
        g.patchBranch(bad2, Opcode.BNE, K0, T0, fail);
        g.patchJump(skip, g.pc());
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC).li(A4, entry).sys(KernelCall.ENV_SET_PC);
        int loop = g.pc();
        g.li(A0, 0).sys(KernelCall.YIELD).jump(loop);
        return g;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTransferReachesTheCalleesEntryWithTheMessageInRegisters(boolean sync) {
        Boot b = new Boot();
        assertEquals(A_ID, b.boot(caller(sync ? KernelCall.PCT_SYNC : KernelCall.PCT_ASYNC)));
        assertEquals(B_ID, b.boot(callee(sync ? 1 : 2)));
        RunResult r = b.run();
        assertEquals(50, r.programs().get(0).exitStatus());
        assertEquals(0, r.programs().get(1).exitStatus());
        assertEquals(2, r.stats().protectedTransfers);
    }

    @Test
    void aTransferToADeadOrUnwillingEnvironmentFailsInK1() {
        Guest g = new Guest("lonely");
        g.li(K1, 9999).sys(KernelCall.PCT_SYNC).mv(S0, K1);
        g.li(K1, A_ID).sys(KernelCall.PCT_ASYNC);          // itself, without an IPC entry
        g.emit(Opcode.SLLI.encode(S0, S0, 8)).emit(Opcode.SUB.encode(A0, 0, K1)).emit(Opcode.SUB.encode(A0, A0, S0));
        g.sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        int status = b.run().exitStatus();
        assertEquals(-KernelError.NOENTRY.code - (KernelError.BADENV.code << 8), status);
    }

    /** An entry set with PC_IPC_ONCE takes one transfer; the next finds none (E_NOENTRY). */
    @Test
    void aOneShotEntryTakesOneTransferAndShutsAsItTakesIt() {
        Guest g = new Guest("once");
        int skip = g.hole();
        int entry = g.pc();
        g.li(S0, 1);                                      // arrived once: transfer again
        g.li(K1, A_ID).sys(KernelCall.PCT_ASYNC);
        g.emit(Opcode.SUB.encode(A0, 0, K1)).sys(KernelCall.ENV_EXIT);
        g.patchJump(skip, g.pc());
        g.li(S0, 0);
        g.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC_ONCE).li(A4, entry).sys(KernelCall.ENV_SET_PC);
        g.li(K1, A_ID).sys(KernelCall.PCT_ASYNC);
        g.exit(99);                                       // the first transfer was refused
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.run();
        assertEquals(-KernelError.NOENTRY.code, r.exitStatus());
        assertEquals(1, r.stats().protectedTransfers);
    }

    /**
     * The callee gives the CPU away before it answers (as a server waiting for its disk does),
     * so it answers on its own slot, not on the one the call lent it: the answer returns the
     * lent slot (0) to the caller, which can then free it, and the callee keeps its own (1).
     * Handing back the running slot instead gave the caller slot 1 and left slot 0 with the
     * callee (slice_free of slot 0: E_PERM).
     */
    @Test
    void theAnswerReturnsTheLentSlotWhereverTheCalleeAnswers() {
        Guest a = new Guest("caller");
        int skipA = a.hole();
        int answer = a.pc();                             // the answer arrives here
        a.li(A0, 0).li(A3, 0).sys(KernelCall.SLICE_FREE);
        a.emit(Opcode.SUB.encode(A0, 0, A0)).sys(KernelCall.ENV_EXIT);
        a.patchJump(skipA, a.pc());
        a.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC).li(A4, answer).sys(KernelCall.ENV_SET_PC);
        a.li(A0, 0).sys(KernelCall.YIELD);               // the callee sets its entry
        a.li(K1, B_ID).sys(KernelCall.PCT_SYNC);         // lends slot 0
        a.exit(99);                                      // refused
        Guest b = new Guest("callee");
        int skip = b.hole();
        int entry = b.pc();
        b.li(A0, 0).sys(KernelCall.YIELD);               // slot 0 ends; runs again on slot 1
        b.sys(KernelCall.PCT_SYNC);                      // the answer: k1 still names the caller
        b.li(A0, 0).li(A3, 1).sys(KernelCall.SLICE_FREE);
        b.emit(Opcode.SUB.encode(A0, 0, A0)).sys(KernelCall.ENV_EXIT);
        b.patchJump(skip, b.pc());
        b.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC).li(A4, entry).sys(KernelCall.ENV_SET_PC);
        int loop = b.pc();
        b.li(A0, 0).sys(KernelCall.YIELD).jump(loop);
        Boot boot = new Boot();
        assertEquals(A_ID, boot.boot(a));
        assertEquals(B_ID, boot.boot(b));
        RunResult r = boot.run();
        assertEquals(0, r.programs().get(0).exitStatus(), "the caller freed slot 0: it was its own again");
        assertEquals(0, r.programs().get(1).exitStatus(), "the callee freed slot 1: it kept its own");
        assertEquals(2, r.stats().protectedTransfers);
    }
}
