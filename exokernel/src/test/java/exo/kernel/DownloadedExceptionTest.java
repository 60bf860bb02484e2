package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.A5;
import static exo.emulator.isa.Register.A6;
import static exo.emulator.isa.Register.T0;
import static exo.emulator.isa.Register.ZERO;
import static exo.kernel.Guest.S1;
import static exo.kernel.Guest.T1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Family;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Cause;
import exo.kernel.abi.KernelCall;
import exo.kernel.env.Environment;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.mem.DownloadedHandler.Kind;
import exo.kernel.mem.DownloadedHandler.Outcome;
import exo.kernel.mem.DownloadedHandler.Rule;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Downloaded exception handlers (env_set_exc_handler): the subset, runs that resume, decline and are abandoned. */
class DownloadedExceptionTest {
    static final int RET = MissHandlerTest.RET;
    /** The word of register r in the register window, as an offset from r0 (EXC_REGS fits a signed 16-bit offset). */
    static int window(int r) {
        return DownloadedHandler.REGS + 4 * r;
    }

    /** Resumes after the faulting instruction with t1 = 77. */
    static final int[] SETS_T1 = {
        Opcode.ADDI.encode(T0, ZERO, 77), Opcode.SW.encode(T0, window(T1), ZERO), Opcode.ADDI.encode(A0, A2, 4), RET};

    @Test
    void exceptionHandlersMayStoreAndLoadEveryWidthButNotJumpOrCall() throws DownloadedHandler.Refusal {
        int[] code = {Opcode.LBU.encode(T0, 0, A0), Opcode.SH.encode(T0, 2, A0), Opcode.SB.encode(T0, 0, A0), Opcode.LH.encode(T0, 0, A0), RET};
        assertEquals(5, DownloadedHandler.verify(code, Kind.EXCEPTION, true).size());
        assertEquals(Rule.INSTRUCTION, assertThrows(DownloadedHandler.Refusal.class, () -> DownloadedHandler.verify(code, Kind.MISS, true)).rule);
        DownloadedHandler.Refusal r = assertThrows(DownloadedHandler.Refusal.class,
                () -> DownloadedHandler.verify(new int[] {RET, Opcode.JAL.encode(ZERO, 4), RET}, Kind.EXCEPTION, true));
        assertEquals(Rule.INSTRUCTION, r.rule);
        assertEquals(1, r.index);
        r = assertThrows(DownloadedHandler.Refusal.class,
                () -> DownloadedHandler.verify(new int[] {Opcode.SYSCALL.encode(KernelCall.NULL.number), RET}, Kind.EXCEPTION, true));
        assertEquals(Rule.INSTRUCTION, r.rule);
        r = assertThrows(DownloadedHandler.Refusal.class,
                () -> DownloadedHandler.verify(new int[] {Opcode.BEQ.encode(ZERO, ZERO, -4), RET}, Kind.EXCEPTION, true));
        assertEquals(Rule.BRANCH, r.rule);
    }

    /** A program that downloads code for misaligned loads, then makes one and exits with t1. */
    static Guest loadsMisaligned(int... handler) {
        Guest g = new Guest("unaligned");
        int code = g.data(MissHandlerTest.words(handler));
        g.li(A0, 0).li(A3, Cause.ADDR_LOAD.code).li(A4, code).li(A5, handler.length).sys(KernelCall.ENV_SET_EXC_HANDLER);
        g.li(T0, Guest.DATA + 1).lw(T1, 0, T0).mv(A0, T1).sys(KernelCall.ENV_EXIT);
        return g;
    }

    @Test
    void anExceptionIsResolvedInTheKernelWithNoUpcallUnderBothEngines() {
        long[] cycles = new long[2];
        int i = 0;
        for (exo.emulator.machine.Engine engine : new exo.emulator.machine.Engine[] {new Interpreter(), new Jit()}) {
            Boot b = new Boot(KernelOptions.defaults(), engine, new byte[0]);
            b.boot(loadsMisaligned(SETS_T1));
            RunResult r = b.run();
            assertEquals(77, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
            assertEquals(1, r.stats().exceptionsResolvedDownloaded);
            assertEquals(0, r.stats().forwarded[Cause.ADDR_LOAD.code]);
            assertTrue(r.statsReport().contains("1 more resolved by downloaded handlers"), r.statsReport());
            cycles[i++] = r.cycles();
        }
        assertEquals(cycles[0], cycles[1], "interpreter and JIT");
    }

    static final int VA = 0x400000;

    /**
     * A program that maps a fresh page at VA, writes 42 there, keeps the page and its capability
     * in data words, drops the binding (TLB and STLB), downloads handler(the words' address) for
     * tlb-load misses and reads VA again, exiting with what it read.
     */
    static Guest installsOnAMiss(java.util.function.IntFunction<int[]> handler) {
        Guest g = new Guest("install");
        int words = g.space(16);
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.li(T0, words).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
        g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, exo.emulator.machine.Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
        g.li(T0, VA).li(T1, 42).sw(T1, 0, T0);
        g.li(A0, VA).sys(KernelCall.TLB_FLUSH);
        int[] code = handler.apply(words);
        int at = g.data(MissHandlerTest.words(code));
        g.li(A0, 0).li(A3, Cause.TLB_MISS_LOAD.code).li(A4, at).li(A5, code.length).sys(KernelCall.ENV_SET_EXC_HANDLER);
        g.li(T0, VA).lw(T1, 0, T0).mv(A0, T1).sys(KernelCall.ENV_EXIT);
        return g;
    }

    /**
     * Installs the faulting page from the words at words (flags 0: read-only), asks for other
     * (a6), and retries the access (EPC, kept in s1: a2 holds the capability by then);
     * capHiDelta != 0 forges the capability.
     */
    static int[] installer(int words, int capHiDelta, int other) {
        return MissHandlerTest.concat(new int[] {Opcode.ADDI.encode(S1, A2, 0)}, MissHandlerTest.li(T0, words), new int[] {
            Opcode.LW.encode(A1, 0, T0), Opcode.LW.encode(A2, 4, T0), Opcode.LW.encode(A3, 8, T0),
            Opcode.ADDI.encode(A3, A3, capHiDelta), Opcode.ADDI.encode(A4, ZERO, 0), Opcode.ADDI.encode(A5, ZERO, 1)},
            MissHandlerTest.li(A6, other), new int[] {Opcode.ADDI.encode(A0, S1, 0), RET});
    }

    @Test
    void aHandlerInstallsTheFaultingPageGuardedAsTlbWriteUnderBothEngines() {
        long[] cycles = new long[2];
        int i = 0;
        for (exo.emulator.machine.Engine engine : new exo.emulator.machine.Engine[] {new Interpreter(), new Jit()}) {
            Boot b = new Boot(KernelOptions.defaults(), engine, new byte[0]);
            b.boot(installsOnAMiss(words -> installer(words, 0, 0)));
            RunResult r = b.run();
            assertEquals(42, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
            assertEquals(1, r.stats().missesFilledDownloaded);
            assertEquals(0, r.stats().missesForwarded);
            assertTrue(r.statsReport().contains("1 downloaded handler"), r.statsReport());
            cycles[i++] = r.cycles();
        }
        assertEquals(cycles[0], cycles[1], "interpreter and JIT");
        for (int[] refused : new int[][] {
                {1, 0},                                                         // a forged capability
                {0, VA + 0x1000 | exo.kernel.mem.TlbBatch.OP_WRITE},             // another page's write: not an operation it may name
                {0, VA + 0x1000 | 0x20 | exo.kernel.mem.TlbBatch.OP_FLUSH},      // flags on a flush
                {0, 0x8000_0000 | exo.kernel.mem.TlbBatch.OP_PROTECT}}) {        // the kernel's half
            Boot b = new Boot();
            b.boot(installsOnAMiss(words -> installer(words, refused[0], refused[1])));
            RunResult r = b.run();
            assertEquals(128 + Cause.TLB_MISS_LOAD.code, r.exitStatus(), "refused, so forwarded, and fatal without a handler");
            assertEquals(0, r.stats().missesFilledDownloaded);
        }
    }

    @Test
    void theOtherPageIsFlushedOrProtectedInTheCallersOwnBindingsOnly() {
        for (int kind : new int[] {exo.kernel.mem.TlbBatch.OP_FLUSH, exo.kernel.mem.TlbBatch.OP_PROTECT}) {
            Boot b = new Boot();
            Guest g = new Guest("other");
            g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
            g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, exo.emulator.machine.Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
            int[] code = MissHandlerTest.concat(MissHandlerTest.li(A6, VA | kind), new int[] {Opcode.ADDI.encode(A0, A2, 4), RET});
            int at = g.data(MissHandlerTest.words(code));
            g.li(A0, 0).li(A3, Cause.BREAK.code).li(A4, at).li(A5, code.length).sys(KernelCall.ENV_SET_EXC_HANDLER);
            g.emit(Opcode.BREAK.encode(0));
            g.li(T0, VA).li(T1, 7).sw(T1, 0, T0);                          // a flushed page misses; a protected one is read-only
            g.exit(0);
            b.boot(g);
            RunResult r = b.run();
            Cause expected = kind == exo.kernel.mem.TlbBatch.OP_FLUSH ? Cause.TLB_MISS_STORE : Cause.PROT_STORE;
            assertEquals(128 + expected.code, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
            assertEquals(1, r.stats().exceptionsResolvedDownloaded);
        }
    }

    @Test
    void aDeclinedExceptionIsForwardedAsIfNoHandlerWereThere() {
        Boot b = new Boot();
        b.boot(loadsMisaligned(Opcode.SW.encode(T0, window(T1), ZERO), MissHandlerTest.DECLINE, RET));
        RunResult r = b.run();
        assertEquals(128 + Cause.ADDR_LOAD.code, r.exitStatus());
        assertTrue(r.programs().get(0).diagnostic().contains("unhandled addr-load"), r.programs().get(0).diagnostic());
    }

    @Test
    void onlyARunThatResumesChangesRegistersOrMemory() throws DownloadedHandler.Refusal {
        Boot b = new Boot();
        Guest idle = new Guest("idle");
        idle.emit(Opcode.JAL.encode(0, 0));
        b.boot(idle);
        b.kernel.run(10);
        Environment e = b.kernel.current();
        int pa = b.kernel.memory().peek(e, Guest.DATA);
        int[] prefix = MissHandlerTest.concat(MissHandlerTest.li(T0, Guest.DATA), new int[] {
            Opcode.ADDI.encode(T1, ZERO, 99), Opcode.SW.encode(T1, 0, T0), Opcode.SW.encode(T1, window(S1), ZERO),
            Opcode.LW.encode(A4, 0, T0)});                                        // still the old word
        int[] wild = MissHandlerTest.concat(prefix, MissHandlerTest.li(T0, 0xDEAD0000),
                new int[] {Opcode.LW.encode(T1, 0, T0), Opcode.ADDI.encode(A0, A2, 4), RET});
        int[] resumes = MissHandlerTest.concat(prefix, new int[] {Opcode.SW.encode(A4, window(A5), ZERO), Opcode.ADDI.encode(A0, A2, 4), RET});
        for (boolean compiled : new boolean[] {false, true}) {
            b.machine.memory.writeWord(pa, 5);
            int[] regs = new int[32];
            regs[S1] = 1;
            DownloadedHandler h = DownloadedHandler.verify(wild, Kind.EXCEPTION, compiled);
            assertEquals(Outcome.ABANDON, h.runException(e, regs, Cause.ADDR_LOAD.code, 0x1000, 3, b.kernel.memory(), b.machine.memory, b.kernel.cost()));
            assertEquals(5, b.machine.memory.readWord(pa));
            assertEquals(1, regs[S1]);
            h = DownloadedHandler.verify(resumes, Kind.EXCEPTION, compiled);
            assertEquals(Outcome.RESUME, h.runException(e, regs, Cause.ADDR_LOAD.code, 0x1000, 3, b.kernel.memory(), b.machine.memory, b.kernel.cost()));
            assertEquals(0x1004, h.result[DownloadedHandler.RESUME_PC]);
            assertEquals(5, b.machine.memory.readWord(pa), "nothing changes before the kernel commits the run");
            assertEquals(1, regs[S1]);
            h.commit(regs);
            assertEquals(99, b.machine.memory.readWord(pa));
            assertEquals(99, regs[S1]);
            assertEquals(5, regs[A5], "a load in the run sees memory as it was");
        }
    }

    @Test
    void aHandlerIsDroppedWithItsEnvironment() {
        Guest g = new Guest("parent");
        int code = g.data(MissHandlerTest.words(MissHandlerTest.DECLINE, RET));
        g.sys(KernelCall.ENV_CREATE).mv(S1, A0);
        g.li(A3, Cause.BREAK.code).li(A4, code).li(A5, 2).sys(KernelCall.ENV_SET_EXC_HANDLER);   // for the child
        g.emit(Opcode.JAL.encode(0, 0));
        Boot b = new Boot();
        b.boot(g);
        b.kernel.run(10_000);
        Environment child = b.kernel.environments().stream().filter(x -> x.name.endsWith(".child")).findFirst().orElseThrow();
        Kernel k = b.kernel;
        assertNotNull(k.downloadedExceptions().get(child, Cause.BREAK.code));
        k.kill(child, 128, "test");
        assertNull(k.downloadedExceptions().get(child, Cause.BREAK.code));
    }

    /**
     * Compiled and interpreted exception handlers agree: on random verified handlers (ALU rows,
     * loads and stores of every width to the data segment, aligned or not, or wild, words of the
     * register window, forward branches, early returns), the same outcome, resume PC, cycles,
     * registers and memory.
     */
    @Test
    void compiledHandlersAgreeWithTheInterpreter() throws DownloadedHandler.Refusal {
        Boot b = new Boot();
        Guest idle = new Guest("idle");
        idle.emit(Opcode.JAL.encode(0, 0));
        b.boot(idle);
        b.kernel.run(10);
        Environment e = b.kernel.current();
        int pa = b.kernel.memory().peek(e, Guest.DATA);
        SplittableRandom rnd = new SplittableRandom(35);
        Opcode[] alu = Arrays.stream(Opcode.values()).filter(o -> o.family == Family.ALU && o.trapCheck == null).toArray(Opcode[]::new);
        Opcode[] mem = Arrays.stream(Opcode.values()).filter(o -> o.family == Family.LOAD || o.family == Family.STORE).toArray(Opcode[]::new);
        Opcode[] branches = Arrays.stream(Opcode.values()).filter(o -> o.family == Family.BRANCH).toArray(Opcode[]::new);
        int[] outcomes = new int[Outcome.values().length];
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + rnd.nextInt(40);
            int[] code = new int[n];
            code[0] = Opcode.LUI.encode(T0, Guest.DATA >>> 16);
            for (int i = 1; i < n - 1; i++) {
                int pick = rnd.nextInt(12);
                int rd = rnd.nextInt(4) == 0 ? 0 : 4 + rnd.nextInt(12), rs = rnd.nextInt(16), rt = rnd.nextInt(16);
                if (pick < 5) {
                    Opcode o = alu[rnd.nextInt(alu.length)];
                    int[] v = o.format.operands.size() == 2 ? new int[] {rd, rnd.nextInt(1 << 16)}
                            : new int[] {rd, rs, o.format == exo.emulator.isa.Format.R ? rt : rnd.nextInt(1 << 16)};
                    code[i] = o.encode(v);
                } else if (pick < 8) {
                    int off = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 4 * rnd.nextInt(64);
                    code[i] = mem[rnd.nextInt(mem.length)].encode(rd, off, rnd.nextInt(5) == 0 ? rs : T0);
                } else if (pick < 9) {
                    code[i] = (rnd.nextBoolean() ? Opcode.LW : Opcode.SW).encode(rd, window(rnd.nextInt(32)), ZERO);
                } else if (pick < 11) {
                    int to = i + 1 + rnd.nextInt(n - i - 1);
                    code[i] = branches[rnd.nextInt(branches.length)].encode(rs, rt, 4 * (to - i));
                } else {
                    code[i] = RET;
                }
            }
            code[n - 1] = RET;
            DownloadedHandler[] hs = {DownloadedHandler.verify(code, Kind.EXCEPTION, false), DownloadedHandler.verify(code, Kind.EXCEPTION, true)};
            int[] start = rnd.ints(32).toArray();
            int badVaddr = rnd.nextInt(), epc = rnd.nextInt();
            String[] seen = new String[2];
            for (int k = 0; k < 2; k++) {
                for (int w = 0; w < 64; w++) b.machine.memory.writeWord(pa + 4 * w, w * 0x01010101 + 3);
                int[] regs = start.clone();
                long c0 = b.kernel.cost().kernelCycles();
                Outcome o = hs[k].runException(e, regs, Cause.ADDR_STORE.code, epc, badVaddr, b.kernel.memory(), b.machine.memory, b.kernel.cost());
                if (o == Outcome.RESUME) hs[k].commit(regs);
                int[] data = new int[64];
                for (int w = 0; w < 64; w++) data[w] = b.machine.memory.readWord(pa + 4 * w);
                seen[k] = o + " outcome " + (o == Outcome.RESUME ? Arrays.toString(hs[k].result) : "") + " cycles " + (b.kernel.cost().kernelCycles() - c0)
                        + " regs " + Arrays.toString(regs) + " data " + Arrays.toString(data);
                if (k == 0) outcomes[o.ordinal()]++;
            }
            assertEquals(seen[0], seen[1], "trial " + trial + " " + Arrays.toString(code));
        }
        assertTrue(outcomes[Outcome.RESUME.ordinal()] > 30 && outcomes[Outcome.ABANDON.ordinal()] > 30
                && outcomes[Outcome.DECLINE.ordinal()] > 5, Arrays.toString(outcomes));
    }
}
