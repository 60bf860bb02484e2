package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.A5;
import static exo.emulator.isa.Register.A6;
import static exo.emulator.isa.Register.A7;
import static exo.emulator.isa.Register.K0;
import static exo.emulator.isa.Register.K1;
import static exo.emulator.isa.Register.RA;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.kernel.abi.KernelCallHandlers;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import exo.fuzz.Choices;
import exo.fuzz.Fuzz;
import org.junit.jupiter.api.Test;

/**
 * The random-program differential on the real kernel: generated guest programs run under the
 * interpreter and the JIT, and every architectural effect must agree — the trap sequence
 * (cause, EPC, BADVADDR, cycle and instruction count of each), final registers and PC, all of
 * physical memory, instruction and cycle counts, console output, exit statuses, diagnostics and
 * kernel statistics.
 *
 * <p>A program is a list of {@link Step}s run several times over (so the JIT, at a hot
 * threshold of 2, translates most of it), as two environments sharing a short, random quantum
 * (timer interrupts and context switches land anywhere). Steps are ALU work, counter reads,
 * loads and stores (misaligned ones too), forward branches, inner loops, wild accesses (TLB
 * misses forwarded to the program's handler), traps (break, illegal word, divide by zero,
 * overflow, all forwarded), kernel calls (null, env_self, yield, unknown numbers, probes,
 * console writes), page remapping with {@code tlb_write} and {@code tlb_flush} (so accesses
 * through the remapped window hit, miss or take protection faults), self-modifying code (a
 * random instruction stored into an executable page and called), installing or removing
 * an epilogue (which yields) and a prologue, so slice ends upcall into the program, and
 * protected control transfers, synchronous and asynchronous, to the other environment, whose
 * IPC entry may be open or closed, and downloaded exception handlers (env_set_exc_handler) that
 * resolve, decline or abandon misaligned accesses, breakpoints, divisions by zero, overflows and
 * illegal words.
 *
 * <p>{@link Fuzz} shrinks a failure to a minimal step list and prints it with the seed;
 * {@code -Dexo.fuzz.seed=S} replays the whole run. The number of programs is the module's {@code exo.fuzz.tries}
 * (exokernel/pom.xml), sized for CI; {@code -Dexo.fuzz.tries=N} runs N (docs/jit.md, "Tests").
 */
class DifferentialFuzzTest {
    /** The first number above every call of the table: "unknown call" steps start here (KernelCall numbers may have gaps). */
    private static final int UNKNOWN_CALL = java.util.Arrays.stream(KernelCall.values()).mapToInt(c -> c.number).max().getAsInt() + 1;

    /** Data layout (inside {@link Guest#DATA}): save area, handler scratch, the two remap pages' ppn and capability. */
    static final int SAVE = Guest.DATA, HANDLER_SCRATCH = SAVE + 16, FORWARDED = SAVE + 20, PAGES = SAVE + 0x40;
    /** Loads and stores go to DATA_PTR + 0..0x1BFF. */
    static final int DATA_PTR = Guest.DATA + 0x400;
    /** A guaranteed read/write/execute page that self-modifying steps store code into and call. */
    static final int SMC_VA = 0x300000;
    /** A two-page window the remap steps bind to the two spare pages (or leave unbound). */
    static final int REMAP_VA = 0x500000;
    /** Registers the steps never write: what the frame of the program depends on. */
    static final int P_ITER = S0 + 7, P_DATA = S0 + 6, P_SMC = S0 + 5, P_REMAP = S0 + 4, P_JR_RA = S0 + 3;
    /** Registers steps compute in: a0..a5, t0..t9, s0..s2. a6 counts inner loops, a7 is a temporary. */
    static final int[] SCRATCH = {4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};
    static final int JR_RA = Opcode.JALR.encode(0, 0, RA);

    enum Kind { ALU, COUNTER, LOAD, STORE, BRANCH, LOOP, WILD, TRAP, CALL, REMAP, FLUSH, SMC, UPCALL, TRANSFER, DOWNLOAD }

    /** Causes a DOWNLOAD step gives a downloaded exception handler (env_set_exc_handler). */
    static final Cause[] DOWNLOADED_CAUSES = {Cause.ADDR_LOAD, Cause.ADDR_STORE, Cause.BREAK, Cause.DIV_ZERO, Cause.OVERFLOW, Cause.ILLEGAL,
        Cause.TLB_MISS_LOAD, Cause.TLB_MISS_STORE, Cause.PROT_STORE};
    /**
     * The downloaded exception handlers a DOWNLOAD step installs: one resolves the exception (it
     * writes BADVADDR into a0 through the register window and the cause's low byte into the data,
     * then resumes after the instruction), one declines, one is abandoned (a wild load): those two
     * leave the exception to the forwarded handler; one protects the faulting page's binding
     * (a6) and resumes after the instruction, one installs it with a forged capability, which
     * the kernel refuses, so the exception is forwarded.
     */
    static final int[][] DOWNLOADED = {
        {Opcode.SW.encode(A0, exo.kernel.mem.DownloadedHandler.REGS + 4 * A0, 0), Opcode.LUI.encode(T0, DATA_PTR >>> 16),
            Opcode.SB.encode(A0 + 1, 0x500, T0), Opcode.ADDI.encode(A0, A0 + 2, 4), JR_RA},
        {Opcode.ADDI.encode(A0, 0, 0), JR_RA},
        {Opcode.LUI.encode(T0, 0xDEAD), Opcode.LW.encode(T0 + 1, 0, T0), Opcode.ADDI.encode(A0, A0 + 2, 4), JR_RA},
        {Opcode.SRLI.encode(A0 + 6, A0, 12), Opcode.SLLI.encode(A0 + 6, A0 + 6, 12),
            Opcode.ORI.encode(A0 + 6, A0 + 6, exo.kernel.mem.TlbBatch.OP_PROTECT), Opcode.ADDI.encode(A0, A0 + 2, 4), JR_RA},
        {Opcode.ADDI.encode(A0 + 1, 0, 3), Opcode.ADDI.encode(A0 + 2, 0, 0x1234), Opcode.ADDI.encode(A0 + 5, 0, 1), Opcode.ADDI.encode(A0, A0 + 2, 4), JR_RA}};

    /** One generated step; its fields are read modulo what each kind needs, so every value is valid. */
    record Step(Kind kind, int op, int x, int y, int z, int imm) {
        @Override
        public String toString() {
            return kind + "(" + op + "," + x + "," + y + "," + z + "," + imm + ")";
        }
    }

    static final Opcode[] ALU_OPS = Arrays.stream(Opcode.values())
            .filter(o -> switch (o.format) { case R, I, IU, SH, U -> true; default -> false; }).toArray(Opcode[]::new);
    static final Opcode[] COUNTERS = Arrays.stream(Opcode.values()).filter(o -> o.format == Format.RD).toArray(Opcode[]::new);
    static final Opcode[] LOADS = Arrays.stream(Opcode.values()).filter(o -> o.format == Format.LD).toArray(Opcode[]::new);
    static final Opcode[] STORES = Arrays.stream(Opcode.values()).filter(o -> o.format == Format.ST).toArray(Opcode[]::new);
    static final Opcode[] BRANCHES = Arrays.stream(Opcode.values()).filter(o -> o.format == Format.BR).toArray(Opcode[]::new);

    /** One generated case: the steps, the scratch registers' seeds, the repetitions and the quantum. */
    record Case(List<Step> steps, List<Integer> registers, int iterations, int quantum) {}

    static Case generate(Choices c) {
        List<Step> steps = c.list(1, 60, x -> new Step(x.pick(Kind.values()), x.between(0, 1 << 16), x.between(0, 63), x.between(0, 63),
                x.between(0, 63), x.anyInt()));
        return new Case(steps, c.list(10, 10, Choices::anyInt), c.between(1, 5), c.between(100, 4000));
    }

    @Test
    void interpreterAndJitAgreeOnEveryEffect() {
        Fuzz.check("interpreterAndJitAgreeOnEveryEffect", DifferentialFuzzTest::generate, this::agree);
        theProgramsCoveredTranslationTrapsAndSelfModifyingCode();
    }

    void agree(Case k) {
        List<Step> steps = k.steps();
        List<Integer> registers = k.registers();
        int iterations = k.iterations(), quantum = k.quantum();
        Outcome interp = run(new Interpreter(), steps, registers, iterations, quantum);
        Jit engine = new Jit(JitOptions.DEFAULT.withThreshold(2));
        Outcome jit = run(engine, steps, registers, iterations, quantum);
        translated += engine.stats().regionsTranslated();
        invalidated += engine.stats().invalidations();
        programs++;
        assertEquals(interp.facts(), jit.facts());
        assertArrayEquals(interp.memory(), jit.memory(), "physical memory");
    }

    /** What the programs covered, over every try of the property (shrinking included). */
    private long programs, translated, invalidated, epiloguesRun, transfers, resolvedDownloaded;
    private final java.util.EnumSet<Cause> causes = java.util.EnumSet.noneOf(Cause.class);

    /** The generator must reach what the differential claims to cover, or a pass means little. */
    private void theProgramsCoveredTranslationTrapsAndSelfModifyingCode() {
        if (programs < 200) return;  // a tiny run: nothing to say about coverage
        assertTrue(translated > programs, "translations: " + translated + " in " + programs + " programs");
        assertTrue(invalidated > 0, "no translation was invalidated by a store into code");
        assertTrue(epiloguesRun > 0, "no slice ended in an epilogue upcall");
        assertTrue(transfers > 0, "no protected control transfer went through");
        assertTrue(resolvedDownloaded > 0, "no exception was resolved by downloaded code");
        for (Cause c : new Cause[] {Cause.TLB_MISS_LOAD, Cause.TLB_MISS_STORE, Cause.PROT_STORE, Cause.ADDR_LOAD, Cause.ADDR_STORE,
                Cause.ILLEGAL, Cause.OVERFLOW, Cause.DIV_ZERO, Cause.SYSCALL, Cause.BREAK, Cause.TIMER}) {
            assertTrue(causes.contains(c), "no program raised " + c);
        }
    }

    /** What a run did, as comparable facts, and physical memory at its end. */
    record Outcome(List<String> facts, byte[] memory) {}

    Outcome run(Engine engine, List<Step> steps, List<Integer> registers, int iterations, int quantum) {
        Boot b = new Boot(KernelOptions.defaults().withQuantum(quantum, 2_000).withPrefixOutput(true), engine, new byte[0], 1 << 20);
        List<String> facts = new ArrayList<>();
        Program a = program("a", steps, registers, iterations);
        b.machine.setTrapObserver(new Machine.TrapObserver() {
            @Override
            public boolean beforeTrap(Machine m, Cause cause, int epc, int badVaddr) {
                causes.add(cause);
                if (cause == Cause.SYSCALL && epc == a.epilogue() + 4) epiloguesRun++;   // both have one layout
                facts.add(cause.shortName + "@" + Integer.toHexString(epc) + " bad=" + Integer.toHexString(badVaddr)
                        + " cyc=" + m.cpu.cycles + " ret=" + m.cpu.instret + " asid=" + m.mmu.asid());
                return false;
            }
        });
        b.boot(a.guest());
        b.boot(program("b", steps, registers, iterations).guest());
        RunResult r = b.kernel.run(3_000_000);
        facts.add("reason " + r.reason() + " instructions " + r.instructions() + " cycles " + r.cycles() + " kernel " + r.kernelCycles());
        for (RunResult.Program p : r.programs()) facts.add(p.toString());
        facts.add(r.statsReport());
        transfers += r.stats().protectedTransfers;
        resolvedDownloaded += r.stats().exceptionsResolvedDownloaded;
        facts.add("console " + b.console());
        facts.add("regs " + Arrays.toString(b.machine.cpu.regs) + " pc " + Integer.toHexString(b.machine.cpu.pc)
                + " epc " + b.machine.cpu.epc + " cause " + b.machine.cpu.cause + " badvaddr " + b.machine.cpu.badVaddr);
        return new Outcome(facts, b.machine.memory.toArray());
    }

    /** A built program and where its slice upcall routines are. */
    record Program(Guest guest, int epilogue, int prologue) {}

    /** The program: handlers and pages set up, registers seeded, then the steps `iterations` times, then exit. */
    static Program program(String name, List<Step> steps, List<Integer> registers, int iterations) {
        Guest g = new Guest(name);
        g.space(0x40);                                     // save area, handler scratch
        g.space(0x20);                                     // the remap pages' records
        byte[] pattern = new byte[0x1000];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 37 + (i >> 5));
        g.data(pattern);
        int skip = g.hole();
        int handler = g.pc();                             // counts the exception and skips the instruction
        int scratch = HANDLER_SCRATCH - SAVE, count = FORWARDED - SAVE;     // k1 = the save area
        g.sw(T0, scratch, K1).lw(T0, count, K1).addi(T0, T0, 1).sw(T0, count, K1).lw(T0, scratch, K1);
        g.addi(K0, K0, 4).handlerReturn();
        // Slice upcalls an UPCALL step may install: an epilogue that yields at once (and resumes
        // the interrupted code if the yield returns), and a prologue that returns as a handler does.
        int epilogue = g.pc();
        g.addi(A0, 0, 0).sys(KernelCall.YIELD).emit(Opcode.JALR.encode(0, 0, K0));
        int prologue = g.pc();
        g.handlerReturn();
        // The IPC entry a TRANSFER step may open: a transfer replaces what the callee was doing
        // (its registers are the caller's message), so it ends with a status of its own.
        int ipc = g.pc();
        g.emit(Opcode.ADDI.encode(A0, K0, 70)).sys(KernelCall.ENV_EXIT);
        g.patchJump(skip, g.pc());
        int[] upcalls = new int[3 + DOWNLOADED.length];
        upcalls[0] = epilogue;
        upcalls[1] = prologue;
        upcalls[2] = ipc;
        for (int i = 0; i < DOWNLOADED.length; i++) upcalls[3 + i] = g.data(MissHandlerTest.words(DOWNLOADED[i]));
        g.saveArea(SAVE);
        for (Cause c : Cause.values()) {
            if (c != Cause.SYSCALL && c != Cause.TIMER && c != Cause.TLB_MISS_FETCH && c != Cause.ADDR_FETCH && c != Cause.PROT_FETCH) {
                g.handler(c.code, handler);
            }
        }
        // The self-modifying page, guaranteed read/write/execute, and two spare pages for remapping.
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.mv(A4, A0).mv(A5, A1).mv(A6, A2);
        g.li(A0, 0).li(A3, SMC_VA).li(A7, Tlb.WRITABLE | Tlb.EXECUTABLE).sys(KernelCall.ENV_GUARANTEE);
        for (int p = 0; p < 2; p++) {
            g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
            g.li(A7, PAGES + 12 * p).sw(A0, 0, A7).sw(A1, 4, A7).sw(A2, 8, A7);
        }
        g.li(P_DATA, DATA_PTR).li(P_SMC, SMC_VA).li(P_REMAP, REMAP_VA).li(P_JR_RA, JR_RA).li(P_ITER, iterations);
        for (int i = 0; i < SCRATCH.length; i++) g.li(SCRATCH[i], registers.get(i % registers.size()) * (i + 1));
        int top = g.pc();
        emitSteps(g, steps, upcalls);
        g.addi(P_ITER, P_ITER, -1).branch(Opcode.BNE, P_ITER, 0, top);
        g.li(A7, FORWARDED).lw(A0, 0, A7).emit(Opcode.XOR.encode(A0, A0, T0)).sys(KernelCall.ENV_EXIT);
        return new Program(g, epilogue, prologue);
    }

    /** Each step's words; a branch skips whole steps, so it always lands on a step's first word. */
    static void emitSteps(Guest g, List<Step> steps, int[] upcalls) {
        List<int[]> holes = new ArrayList<>();        // {at, step index to land on, op, rs1, rs2}
        int[] starts = new int[steps.size() + 1];
        for (int i = 0; i < steps.size(); i++) {
            starts[i] = g.pc();
            Step s = steps.get(i);
            if (s.kind() == Kind.BRANCH) {
                holes.add(new int[] {g.hole(), Math.min(steps.size(), i + 1 + s.imm() % 3 + (s.imm() < 0 ? 3 : 0)), s.op(), s.x(), s.y()});
            } else {
                emit(g, s, upcalls);
            }
        }
        starts[steps.size()] = g.pc();
        for (int[] h : holes) {
            Opcode op = BRANCHES[h[2] % BRANCHES.length];
            g.patchBranch(h[0], op, scratch(h[3]), scratch(h[4]), starts[h[1]]);
        }
    }

    static int scratch(int i) {
        return SCRATCH[Math.floorMod(i, SCRATCH.length)];
    }

    /** One step's words; upcalls holds the epilogue, prologue and IPC entry routines' addresses. */
    private static void emit(Guest g, Step s, int[] upcalls) {
        int rd = scratch(s.x()), rs1 = scratch(s.y()), rs2 = scratch(s.z()), imm = s.imm();
        switch (s.kind()) {
            case ALU -> g.emit(alu(s.op(), rd, rs1, rs2, imm));
            case COUNTER -> g.emit(COUNTERS[s.op() % COUNTERS.length].encode(rd));
            case LOAD -> g.emit(LOADS[s.op() % LOADS.length].encode(rd, Math.floorMod(imm, 0x1C00), P_DATA));
            case STORE -> g.emit(STORES[s.op() % STORES.length].encode(rs2, Math.floorMod(imm, 0x1C00), P_DATA));
            case LOOP -> {
                g.li(A6, 1 + Math.floorMod(imm, 12));
                int loop = g.pc();
                g.emit(alu(s.op(), rd, rs1, rs2, imm >> 8)).addi(A6, A6, -1).branch(Opcode.BNE, A6, 0, loop);
            }
            case WILD -> {
                // Through the remap window (hit, miss or protection fault, as the last remap left it)
                // or at an address nobody maps; misses are forwarded, the handler skips.
                boolean window = (s.op() & 1) == 0;
                int base = window ? P_REMAP : A7;
                if (!window) g.li(A7, 0x00900000 + (imm & 0x7FFFF000));
                int off = window ? Math.floorMod(imm, 0x2000) & ~3 : Math.floorMod(imm, 0x1000) & ~3;
                if (off > 0x7FFF) off = 0;
                g.emit((s.op() & 2) == 0 ? Opcode.LW.encode(rd, off, base) : Opcode.SW.encode(rs2, off, base));
            }
            case TRAP -> {
                switch (s.op() % 5) {
                    case 0 -> g.emit(Opcode.BREAK.encode(imm & 0x3FFFFFF));
                    case 1 -> g.emit(0xFC000000 | (imm & 0x03FFFFFF) | 0x02000000); // no row decodes opcode 63: illegal
                    case 2 -> g.emit(Opcode.DIV.encode(rd, rs1, 0));
                    case 3 -> g.li(A7, 0x7FFFFFFF).emit(Opcode.ADDIO.encode(rd, A7, 1 + (imm & 0x7FFF)));
                    default -> g.emit(Opcode.REMU.encode(rd, rs1, 0));
                }
            }
            case CALL -> {
                switch (s.op() % 6) {
                    case 0 -> g.sys(KernelCall.NULL);
                    case 1 -> g.sys(KernelCall.ENV_SELF);
                    case 2 -> g.li(A0, 0).sys(KernelCall.YIELD);
                    case 3 -> g.sys(UNKNOWN_CALL + (imm & 0xFFFF));
                    case 4 -> g.li(A0, REMAP_VA + (imm & 0x1000)).li(A1, imm & 1).sys(KernelCall.TLB_PROBE);
                    default -> g.li(A0, DATA_PTR + Math.floorMod(imm, 0x1000)).li(A1, s.z() & 15).sys(KernelCall.CONS_WRITE);
                }
            }
            case REMAP -> {
                // Bind one window page to one spare page, read-only or writable (or with a wrong capability).
                int rec = PAGES + 12 * (s.op() & 1);
                g.li(A7, rec).lw(A1, 0, A7).lw(A2, 4, A7).lw(A3, 8, A7);
                if ((imm & 8) != 0) g.addi(A2, A2, 1);
                g.li(A0, REMAP_VA + ((s.op() >> 1) & 1) * 0x1000).li(A4, (imm & 1) != 0 ? Tlb.WRITABLE : 0).sys(KernelCall.TLB_WRITE);
            }
            case FLUSH -> g.li(A0, (s.op() & 3) == 0 ? -1 : REMAP_VA + (s.op() & 1) * 0x1000).sys(KernelCall.TLB_FLUSH);
            case SMC -> {
                // Store an ALU instruction and a return into slot k of the executable page, then call it.
                int slot = 8 * (s.z() & 31);
                g.li(A7, alu(s.op(), rd, rs1, rs2, imm)).sw(A7, slot, P_SMC).sw(P_JR_RA, slot + 4, P_SMC);
                g.emit(Opcode.JALR.encode(RA, slot, P_SMC));
            }
            case UPCALL -> {
                // Install or remove the epilogue or the prologue.
                int which = s.op() & 1;
                int pc = (imm & 1) != 0 ? upcalls[which] : 0;
                g.li(A0, 0).li(A3, which == 0 ? KernelCallHandlers.PC_EPILOGUE : KernelCallHandlers.PC_PROLOGUE).li(A4, pc)
                        .sys(KernelCall.ENV_SET_PC);
            }
            case TRANSFER -> {
                // Open or close its own IPC entry, or transfer control (sync or async) to the other
                // environment: ids 257 and 258 differ by xor 3; a failure comes back in k1.
                switch (s.op() % 3) {
                    case 0 -> g.li(A0, 0).li(A3, KernelCallHandlers.PC_IPC).li(A4, (imm & 1) != 0 ? upcalls[2] : 0).sys(KernelCall.ENV_SET_PC);
                    case 1 -> g.sys(KernelCall.ENV_SELF).emit(Opcode.XORI.encode(K1, A0, 3)).sys(KernelCall.PCT_ASYNC);
                    default -> g.sys(KernelCall.ENV_SELF).emit(Opcode.XORI.encode(K1, A0, 3)).sys(KernelCall.PCT_SYNC);
                }
            }
            case DOWNLOAD -> {
                // Install one of the downloaded exception handlers for a cause, or remove it.
                int which = s.op() % DOWNLOADED.length;
                Cause c = DOWNLOADED_CAUSES[(s.op() / DOWNLOADED.length) % DOWNLOADED_CAUSES.length];
                g.li(A0, 0).li(A3, c.code).li(A4, (imm & 3) == 0 ? 0 : upcalls[3 + which]).li(A5, DOWNLOADED[which].length)
                        .sys(KernelCall.ENV_SET_EXC_HANDLER);
            }
            default -> throw new IllegalStateException("kind " + s.kind());
        }
    }

    private static int alu(int op, int rd, int rs1, int rs2, int imm) {
        Opcode o = ALU_OPS[op % ALU_OPS.length];
        return switch (o.format) {
            case R -> o.encode(rd, rs1, rs2);
            case I -> o.encode(rd, rs1, (short) imm);
            case IU -> o.encode(rd, rs1, imm & 0xFFFF);
            case SH -> o.encode(rd, rs1, imm & 31);
            case U -> o.encode(rd, imm & 0xFFFF);
            default -> throw new IllegalStateException("format " + o.format);
        };
    }
}
