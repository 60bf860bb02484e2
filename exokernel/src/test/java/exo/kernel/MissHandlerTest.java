package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.RA;
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
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.kernel.env.Environment;
import exo.kernel.error.KernelError;
import exo.kernel.mem.DownloadedHandler;
import exo.kernel.mem.DownloadedHandler.Rule;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Downloaded TLB-miss handlers: the verifier's rules, each with its precise refusal, and runs. */
class MissHandlerTest {
    static final int VA = 0x400000;
    static final int RET = Opcode.JALR.encode(ZERO, 0, RA);
    static final int DECLINE = Opcode.ADDI.encode(A0, ZERO, 0);

    static void refused(Rule rule, int index, int... code) {
        DownloadedHandler.Refusal r = assertThrows(DownloadedHandler.Refusal.class, () -> DownloadedHandler.verify(code));
        assertEquals(rule, r.rule, Arrays.toString(code));
        assertEquals(index, r.index, Arrays.toString(code));
    }

    @Test
    void theVerifierAcceptsTheSubset() throws DownloadedHandler.Refusal {
        int[] code = {
            Opcode.LUI.encode(T0, 0x2), Opcode.ORI.encode(T0, T0, 0x10), Opcode.LW.encode(A1, 0, T0),
            Opcode.BEQ.encode(A1, ZERO, 12), Opcode.SRLI.encode(T1, A0, 12), Opcode.ADD.encode(A1, A1, T1),
            DECLINE, RET};
        assertEquals(8, DownloadedHandler.verify(code).size());
    }

    @Test
    void eachRuleIsRefusedAtTheInstructionThatBreaksIt() {
        refused(Rule.SIZE, 0);
        refused(Rule.SIZE, 0, new int[DownloadedHandler.MAX_INSTRUCTIONS + 1]);
        refused(Rule.INSTRUCTION, 1, DECLINE, Opcode.SW.encode(A0, 0, T0), RET);           // a store
        refused(Rule.INSTRUCTION, 0, Opcode.SYSCALL.encode(KernelCall.NULL.number), RET);  // a kernel call
        refused(Rule.INSTRUCTION, 0, Opcode.BREAK.encode(0), RET);
        refused(Rule.INSTRUCTION, 1, DECLINE, Opcode.JAL.encode(ZERO, 4), RET);            // a jump
        refused(Rule.INSTRUCTION, 0, Opcode.JALR.encode(ZERO, 0, T0), RET);                // a jump elsewhere
        refused(Rule.INSTRUCTION, 0, Opcode.ADDO.encode(A0, A0, A0), RET);                 // it could trap
        refused(Rule.INSTRUCTION, 0, Opcode.DIVU.encode(A0, A0, A1), RET);
        refused(Rule.INSTRUCTION, 0, Opcode.RDCYCLE.encode(A0), RET);                      // a counter
        refused(Rule.INSTRUCTION, 0, Opcode.LB.encode(A0, 0, T0), RET);                    // not a word load
        refused(Rule.INSTRUCTION, 1, DECLINE, 0xFFFFFFFF, RET);                            // no instruction at all
        refused(Rule.BRANCH, 1, DECLINE, Opcode.BEQ.encode(ZERO, ZERO, -4), RET);          // a loop
        refused(Rule.BRANCH, 0, Opcode.BNE.encode(A0, ZERO, 0), RET);                      // to itself
        refused(Rule.BRANCH, 0, Opcode.BEQ.encode(A0, ZERO, 8), RET);                      // past the end
        refused(Rule.END, 1, DECLINE, DECLINE);                                             // falls off the end
    }

    /** Code words as data bytes. */
    static byte[] words(int... code) {
        ByteBuffer b = ByteBuffer.allocate(4 * code.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : code) b.putInt(w);
        return b.array();
    }

    /** lui + ori: rd = v. */
    static int[] li(int rd, int v) {
        return new int[] {Opcode.LUI.encode(rd, v >>> 16), Opcode.ORI.encode(rd, rd, v & 0xFFFF)};
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    /**
     * A program that allocates a page, keeps {ppn, capability} at rec in its data (a guaranteed
     * mapping), downloads a handler that installs VA from that record, then stores and loads 42
     * at VA with no exception handler: a forwarded miss would be fatal.
     */
    static Guest mapsThroughItsHandler(String name) {
        Guest g = new Guest(name);
        int rec = g.space(12);
        int[] handler = concat(li(T0, rec), new int[] {
            Opcode.LW.encode(A1, 0, T0), Opcode.LW.encode(A2, 4, T0), Opcode.LW.encode(A3, 8, T0),
            Opcode.ADDI.encode(A4, ZERO, Tlb.WRITABLE), Opcode.ADDI.encode(A0, ZERO, 1), RET});
        int code = g.data(words(handler));
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.li(T0, rec).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
        g.li(A0, 0).li(A3, code).li(A4, handler.length).sys(KernelCall.ENV_SET_MISS_HANDLER);
        g.li(T0, VA).li(T1, 42).sw(T1, 0, T0).lw(A0, 0, T0).sys(KernelCall.ENV_EXIT);
        return g;
    }

    @Test
    void aMissIsResolvedByTheDownloadedHandlerInsideTheKernelUnderBothEngines() {
        long[] cycles = new long[2];
        int i = 0;
        for (exo.emulator.machine.Engine engine : new exo.emulator.machine.Engine[] {new Interpreter(), new Jit()}) {
            Boot b = new Boot(KernelOptions.defaults(), engine, new byte[0]);
            b.boot(mapsThroughItsHandler("dl"));
            RunResult r = b.run();
            assertEquals(42, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
            assertEquals(1, r.stats().missesFilledDownloaded);
            assertEquals(0, r.stats().missesForwarded);
            assertTrue(r.statsReport().contains("1 downloaded handler"), r.statsReport());
            cycles[i++] = r.cycles();
        }
        assertEquals(cycles[0], cycles[1], "interpreter and JIT");
    }

    @Test
    void aRefusalSaysWhichInstructionAndWhichRule() {
        Guest g = new Guest("bad");
        int code = g.data(words(DECLINE, DECLINE, Opcode.SW.encode(A0, 0, T0), RET));
        g.li(A0, 0).li(A3, code).li(A4, 4).sys(KernelCall.ENV_SET_MISS_HANDLER);
        // status = -a0 | a1 << 8 | a2 << 16
        g.emit(Opcode.SUB.encode(A0, ZERO, A0)).emit(Opcode.SLLI.encode(A1, A1, 8)).emit(Opcode.SLLI.encode(A2, A2, 16));
        g.emit(Opcode.OR.encode(A0, A0, A1)).emit(Opcode.OR.encode(A0, A0, A2)).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g);
        assertEquals(-KernelError.VERIFY.code | 2 << 8 | Rule.INSTRUCTION.code << 16, b.run().exitStatus());
    }

    @Test
    void aHandlerIsDroppedWithItsEnvironment() {
        Guest g = new Guest("parent");
        int code = g.data(words(DECLINE, RET));
        g.sys(KernelCall.ENV_CREATE).mv(S1, A0);
        g.li(A3, code).li(A4, 2).sys(KernelCall.ENV_SET_MISS_HANDLER);   // for the child, with its capability
        g.emit(Opcode.JAL.encode(0, 0));                                 // then wait
        Boot b = new Boot();
        b.boot(g);
        b.kernel.run(10_000);
        Environment child = b.kernel.environments().stream().filter(x -> x.name.endsWith(".child")).findFirst().orElseThrow();
        assertNotNull(b.kernel.memory().missHandler(child));
        b.kernel.kill(child, 128, "test");
        assertNull(b.kernel.memory().missHandler(child));
    }

    /**
     * Compiled and interpreted handlers agree: on random verified handlers (ALU rows, loads
     * from the data segment, aligned or not, or wild, forward branches, early returns) and random
     * inputs, the same outcome, the same result and the same cycles charged.
     */
    @Test
    void compiledHandlersAgreeWithTheInterpreter() throws DownloadedHandler.Refusal {
        Boot b = new Boot();
        Guest g = new Guest("idle");
        g.emit(Opcode.JAL.encode(0, 0));
        b.boot(g);
        b.kernel.run(10);
        Environment e = b.kernel.current();
        for (int k = 0; k < 64; k++) b.machine.memory.writeWord(b.kernel.memory().peek(e, Guest.DATA) + 4 * k, k * 0x01010101 + 3);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(17);
        Opcode[] alu = Arrays.stream(Opcode.values())
                .filter(o -> o.family == exo.emulator.isa.Family.ALU && o.trapCheck == null).toArray(Opcode[]::new);
        Opcode[] branches = Arrays.stream(Opcode.values()).filter(o -> o.family == exo.emulator.isa.Family.BRANCH).toArray(Opcode[]::new);
        int installs = 0, abandons = 0, declines = 0;
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + rnd.nextInt(40);
            int[] code = new int[n];
            code[0] = Opcode.LUI.encode(T0, Guest.DATA >>> 16);            // t0 = the data segment
            for (int i = 1; i < n - 1; i++) {
                int pick = rnd.nextInt(10);
                int rd = rnd.nextInt(4) == 0 ? 0 : 4 + rnd.nextInt(12), rs = rnd.nextInt(16), rt = rnd.nextInt(16);
                if (pick < 5) {
                    Opcode o = alu[rnd.nextInt(alu.length)];
                    int[] v = o.format.operands.size() == 2 ? new int[] {rd, rnd.nextInt(1 << 16)}
                            : new int[] {rd, rs, o.format == exo.emulator.isa.Format.R ? rt : rnd.nextInt(1 << 16)};
                    code[i] = o.encode(v);
                } else if (pick < 7) {
                    int off = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 4 * rnd.nextInt(64);
                    code[i] = Opcode.LW.encode(rd, off, rnd.nextInt(4) == 0 ? rs : T0);
                } else if (pick < 9) {
                    int to = i + 1 + rnd.nextInt(n - i - 1);
                    code[i] = branches[rnd.nextInt(branches.length)].encode(rs, rt, 4 * (to - i));
                } else {
                    code[i] = RET;
                }
            }
            code[n - 1] = RET;
            DownloadedHandler interpreted = DownloadedHandler.verify(code, false), compiled = DownloadedHandler.verify(code, true);
            for (int input = 0; input < 4; input++) {
                int va = rnd.nextInt(), cause = 1 + rnd.nextInt(3);
                long c0 = b.kernel.cost().kernelCycles();
                DownloadedHandler.Outcome o1 = interpreted.run(e, va, cause, b.machine.memory, b.kernel.cost());
                long c1 = b.kernel.cost().kernelCycles();
                DownloadedHandler.Outcome o2 = compiled.run(e, va, cause, b.machine.memory, b.kernel.cost());
                long c2 = b.kernel.cost().kernelCycles();
                String what = "trial " + trial + " " + Arrays.toString(code);
                assertEquals(o1, o2, what);
                assertEquals(c1 - c0, c2 - c1, what + ": cycles");
                if (o1 == DownloadedHandler.Outcome.INSTALL) assertEquals(Arrays.toString(interpreted.result), Arrays.toString(compiled.result), what);
                if (o1 == DownloadedHandler.Outcome.INSTALL) installs++;
                else if (o1 == DownloadedHandler.Outcome.ABANDON) abandons++;
                else declines++;
            }
        }
        assertTrue(installs > 50 && abandons > 50 && declines > 50, installs + " " + abandons + " " + declines);
    }
}
