package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static exo.emulator.isa.Register.A3;
import static exo.emulator.isa.Register.A4;
import static exo.emulator.isa.Register.A5;
import static exo.emulator.isa.Register.A6;
import static exo.emulator.isa.Register.A7;
import static exo.emulator.isa.Register.K1;
import static exo.emulator.isa.Register.S0;
import static exo.emulator.isa.Register.T0;
import static exo.kernel.Guest.S1;
import static exo.kernel.Guest.T1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Tlb;
import exo.kernel.abi.KernelCall;
import exo.kernel.abi.KernelCallHandlers;
import exo.kernel.disk.BlockOwners;
import exo.kernel.error.KernelError;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The adversarial table, in the spirit of xv6's usertests: each row is a guest program that
 * attacks the kernel, booted beside a witness that prints five lines across several slices.
 * Each attack must be refused with its documented error (the attacker exits with the code it
 * got) or stopped (destroyed with a diagnostic, or left spinning at the instruction limit),
 * and the witness must finish with exit status 0 and its output intact. Every row runs with a
 * small disk attached, so the disk's rows ({@link #diskAttacks}) attack its blocks.
 */
class AdversarialTest {
    @TempDir
    Path dir;

    static final int WITNESS = 257;
    static final int VA = 0x400000;
    static final String WITNESS_OUTPUT = "w\nw\nw\nw\nw\n";

    /** What must happen to the attacker. */
    sealed interface Outcome permits Refused, Destroyed, StillRunning {}
    record Refused(KernelError error) implements Outcome {}
    record Destroyed(int status, String diagnosticContains) implements Outcome {}
    record StillRunning() implements Outcome {}

    static Arguments row(String name, Outcome outcome, Consumer<Guest> attack) {
        return row(name, outcome, KernelOptions.defaults(), attack);
    }

    static Arguments row(String name, Outcome outcome, KernelOptions options, Consumer<Guest> attack) {
        return Arguments.of(name, outcome, options, attack, (Consumer<Kernel>) k -> { });
    }

    /** A row whose attack needs the host to act (after 100,000 instructions), e.g. to revoke a page. */
    static Arguments rowWithHost(String name, Outcome outcome, Consumer<Guest> attack, Consumer<Kernel> host) {
        return Arguments.of(name, outcome, KernelOptions.defaults(), attack, host);
    }

    /** Ends an attack: exit with a0 (the code the last call returned). */
    static void exitWithA0(Guest g) {
        g.sys(KernelCall.ENV_EXIT);
    }

    /** Loops `call` (set up by setup) until a0 < 0, then exits with a0. */
    static void exhaust(Guest g, Consumer<Guest> setup, KernelCall call) {
        int loop = g.pc();
        setup.accept(g);
        g.sys(call).branch(Opcode.BGE, A0, 0, loop);
        exitWithA0(g);
    }

    /** Downloads code as the caller's TLB-miss handler (clobbers a0..a4), leaving the result in a0. */
    static void downloadHandler(Guest g, int... code) {
        int at = g.data(MissHandlerTest.words(code));
        g.li(A0, 0).li(A3, at).li(A4, code.length).sys(KernelCall.ENV_SET_MISS_HANDLER);
    }

    /** Downloads code as the caller's handler for cause (clobbers a0..a5), leaving the result in a0. */
    static void downloadExcHandler(Guest g, Cause cause, int... code) {
        int at = g.data(MissHandlerTest.words(code));
        g.li(A0, 0).li(A3, cause.code).li(A4, at).li(A5, code.length).sys(KernelCall.ENV_SET_EXC_HANDLER);
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
            row("map a page it does not own, with a forged capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, VA).li(A1, 0).li(A2, 0x1234).li(A3, 0x5678).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("guess capabilities 2000 times", new Refused(KernelError.BADCAP), g -> {
                g.li(S0, 2000).li(S1, 0x9E3779B9).li(T1, 0);
                int loop = g.pc();
                g.emit(Opcode.ADD.encode(T1, T1, S1));
                g.li(A0, VA).li(A1, 1).mv(A2, T1).mv(A3, S0).li(A4, 0).sys(KernelCall.TLB_WRITE);
                g.li(T0, KernelError.BADCAP.code);
                int bad = g.hole();
                g.addi(S0, S0, -1).branch(Opcode.BNE, S0, 0, loop);
                exitWithA0(g);
                int fail = g.pc();
                g.exit(1);
                g.patchBranch(bad, Opcode.BNE, A0, T0, fail);
            }),
            row("an all-zero capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, VA).li(A1, 2).li(A2, 0).li(A3, 0).li(A4, 0).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("a read-only capability for a writable mapping", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).sys(KernelCall.PAGE_CAP_RO);
                g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("a capability used after the page was freed", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).mv(S0, A0).mv(S1, A1).mv(T1, A2).sys(KernelCall.PAGE_FREE);
                g.li(A0, VA).mv(A1, S0).mv(A2, S1).mv(A3, T1).li(A4, 0).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            rowWithHost("use a capability after its page was repossessed", new Refused(KernelError.BADCAP), g -> {
                int rec = g.space(12);
                RevocationTest.allocateAndMap(g, rec);
                int wait = g.pc();
                g.li(A0, 0).sys(KernelCall.YIELD).sys(KernelCall.PAGE_REPOSSESSED).branch(Opcode.BLT, A0, 0, wait);
                g.li(T0, rec).lw(A1, 0, T0).lw(A2, 4, T0).lw(A3, 8, T0).li(A0, VA).li(A4, 0).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }, k -> k.revoker().request(k.env(WITNESS + 1), RevocationTest.revocablePage(k, WITNESS + 1))),
            row("a page number beyond physical memory", new Refused(KernelError.INVAL), g -> {
                g.li(A0, VA).li(A1, 0xFFFFF).li(A2, 1).li(A3, 1).li(A4, 0).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("the GLOBAL bit in a TLB write", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, Tlb.GLOBAL).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("map the witness's page 0 in the middle of a tlb_batch, with a forged capability", new Refused(KernelError.BADCAP), g -> {
                int v = (g.space(48) + 15) & ~15;
                g.li(T0, v).li(T1, VA | exo.kernel.mem.TlbBatch.OP_FLUSH).sw(T1, 0, T0).li(T1, 1).sw(T1, 4, T0);
                g.li(T1, VA | Tlb.WRITABLE << exo.kernel.mem.TlbBatch.FLAGS_SHIFT).sw(T1, 16, T0).sw(0, 20, T0);
                g.li(T1, 0x1234).sw(T1, 24, T0).sw(T1, 28, T0);
                g.li(A0, v).li(A1, 2).sys(KernelCall.TLB_BATCH);
                exitWithA0(g);
            }),
            row("a tlb_batch vector at a wild address", new Refused(KernelError.FAULT), g -> {
                g.li(A0, 0xDEAD0000).li(A1, 4).sys(KernelCall.TLB_BATCH);
                exitWithA0(g);
            }),
            row("a tlb_batch flushing a range that wraps the address space", new Refused(KernelError.INVAL), g -> {
                int v = (g.space(32) + 15) & ~15;
                g.li(T0, v).li(T1, 0xFFFFF000 | exo.kernel.mem.TlbBatch.OP_PROTECT).sw(T1, 0, T0).li(T1, 16).sw(T1, 4, T0);
                g.li(A0, v).li(A1, 1).sys(KernelCall.TLB_BATCH);
                exitWithA0(g);
            }),
            row("download a TLB-miss handler with a loop", new Refused(KernelError.VERIFY), g -> {
                downloadHandler(g, Opcode.ADDI.encode(A0, 0, 0), Opcode.BEQ.encode(0, 0, -4), MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download a TLB-miss handler that stores", new Refused(KernelError.VERIFY), g -> {
                downloadHandler(g, Opcode.SW.encode(A0, 0, A0), MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download a TLB-miss handler that makes a kernel call", new Refused(KernelError.VERIFY), g -> {
                downloadHandler(g, Opcode.SYSCALL.encode(KernelCall.ENV_DESTROY.number), MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download a huge TLB-miss handler", new Refused(KernelError.VERIFY), g -> {
                int code = g.space(4 * (exo.kernel.mem.DownloadedHandler.MAX_INSTRUCTIONS + 1));
                g.li(A0, 0).li(A3, code).li(A4, exo.kernel.mem.DownloadedHandler.MAX_INSTRUCTIONS + 1).sys(KernelCall.ENV_SET_MISS_HANDLER);
                exitWithA0(g);
            }),
            row("download a TLB-miss handler for the witness without its capability", new Refused(KernelError.BADCAP), g -> {
                int code = g.data(MissHandlerTest.words(MissHandlerTest.DECLINE, MissHandlerTest.RET));
                g.li(A0, WITNESS).li(A1, 5).li(A2, 6).li(A3, code).li(A4, 2).sys(KernelCall.ENV_SET_MISS_HANDLER);
                exitWithA0(g);
            }),
            row("a downloaded handler that reads wild memory", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                downloadHandler(g, MissHandlerTest.concat(MissHandlerTest.li(T0, 0xDEAD0000),
                        new int[] {Opcode.LW.encode(A1, 0, T0), Opcode.ADDI.encode(A0, 0, 1), MissHandlerTest.RET}));
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded handler that reads a page it mapped but did not guarantee", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA + 0x1000).li(A4, 0).sys(KernelCall.TLB_WRITE);
                downloadHandler(g, MissHandlerTest.concat(MissHandlerTest.li(T0, VA + 0x1000),
                        new int[] {Opcode.LW.encode(A1, 0, T0), Opcode.ADDI.encode(A0, 0, 1), MissHandlerTest.RET}));
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded handler that faults (a misaligned load)", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                downloadHandler(g, MissHandlerTest.concat(MissHandlerTest.li(T0, Guest.DATA + 2),
                        new int[] {Opcode.LW.encode(A1, 0, T0), Opcode.ADDI.encode(A0, 0, 1), MissHandlerTest.RET}));
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded handler that maps a page with a forged capability", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                downloadHandler(g, Opcode.ADDI.encode(A1, 0, 0), Opcode.ADDI.encode(A2, 0, 0x1234),
                        Opcode.ADDI.encode(A4, 0, Tlb.WRITABLE), Opcode.ADDI.encode(A0, 0, 1), MissHandlerTest.RET);
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that resumes at the fault without fixing it", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                downloadExcHandler(g, Cause.TLB_MISS_LOAD, Opcode.ADDI.encode(A0, A2, 0), MissHandlerTest.RET);   // resume at EPC, bind nothing
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("download an exception handler with a loop", new Refused(KernelError.VERIFY), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, Opcode.ADDI.encode(A0, 0, 0), Opcode.BEQ.encode(0, 0, -4), MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download an exception handler that makes a kernel call", new Refused(KernelError.VERIFY), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, Opcode.SYSCALL.encode(KernelCall.ENV_DESTROY.number), MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download a huge exception handler", new Refused(KernelError.VERIFY), g -> {
                int code = g.space(4 * (exo.kernel.mem.DownloadedHandler.MAX_INSTRUCTIONS + 1));
                g.li(A0, 0).li(A3, Cause.ADDR_LOAD.code).li(A4, code).li(A5, exo.kernel.mem.DownloadedHandler.MAX_INSTRUCTIONS + 1)
                        .sys(KernelCall.ENV_SET_EXC_HANDLER);
                exitWithA0(g);
            }),
            row("download an exception handler for the kernel's own cause (syscall)", new Refused(KernelError.INVAL), g -> {
                downloadExcHandler(g, Cause.SYSCALL, MissHandlerTest.DECLINE, MissHandlerTest.RET);
                exitWithA0(g);
            }),
            row("download an exception handler for the witness without its capability", new Refused(KernelError.BADCAP), g -> {
                int code = g.data(MissHandlerTest.words(MissHandlerTest.DECLINE, MissHandlerTest.RET));
                g.li(A0, WITNESS).li(A1, 5).li(A2, 6).li(A3, Cause.ADDR_LOAD.code).li(A4, code).li(A5, 2).sys(KernelCall.ENV_SET_EXC_HANDLER);
                exitWithA0(g);
            }),
            row("a downloaded exception handler that installs a page it holds no capability for", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                downloadExcHandler(g, Cause.TLB_MISS_LOAD, DownloadedExceptionTest.installer(g.space(16), 0x5A5A, 0));   // ppn 0, a forged capability
                g.li(T0, VA).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that installs a kernel address", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                int words = g.space(16);
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);          // a page of its own, with its capability: only the address is wrong
                g.li(T0, words).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
                downloadExcHandler(g, Cause.TLB_MISS_LOAD, DownloadedExceptionTest.installer(words, 0, 0));
                g.li(T0, 0x8000_1000).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that protects a page reaches only its own binding", new Destroyed(128 + Cause.PROT_STORE.code, "unhandled prot-store"), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);          // its own page at VA: an operation names a virtual page, so only its own ASID
                g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, VA).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
                downloadExcHandler(g, Cause.BREAK, MissHandlerTest.concat(MissHandlerTest.li(A6, VA | exo.kernel.mem.TlbBatch.OP_PROTECT),
                        new int[] {Opcode.ADDI.encode(A0, A2, 4), MissHandlerTest.RET}));
                g.emit(Opcode.BREAK.encode(0));
                g.li(T0, VA).sw(T0, 0, T0);                                 // only its own binding lost writing
                g.exit(0);
            }),
            row("a downloaded exception handler that stores to wild memory", new Destroyed(128 + Cause.ADDR_LOAD.code, "unhandled addr-load"), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, MissHandlerTest.concat(MissHandlerTest.li(T0, 0xDEAD0000),
                        new int[] {Opcode.SW.encode(A0, 0, T0), Opcode.ADDI.encode(A0, A2, 4), MissHandlerTest.RET}));
                g.li(T0, Guest.DATA + 1).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that writes the kernel's half", new Destroyed(128 + Cause.ADDR_LOAD.code, "unhandled addr-load"), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, MissHandlerTest.concat(MissHandlerTest.li(T0, 0x8000_0000),
                        new int[] {Opcode.SW.encode(A0, 0, T0), Opcode.ADDI.encode(A0, A2, 4), MissHandlerTest.RET}));
                g.li(T0, Guest.DATA + 1).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that writes its own code", new Destroyed(128 + Cause.ADDR_LOAD.code, "unhandled addr-load"), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, MissHandlerTest.concat(MissHandlerTest.li(T0, Guest.CODE),
                        new int[] {Opcode.SW.encode(0, 0, T0), Opcode.ADDI.encode(A0, A2, 4), MissHandlerTest.RET}));
                g.li(T0, Guest.DATA + 1).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that faults (a misaligned load)", new Destroyed(128 + Cause.ADDR_LOAD.code, "unhandled addr-load"), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, Opcode.LW.encode(T0, 0, A0), Opcode.ADDI.encode(A0, A2, 4), MissHandlerTest.RET);
                g.li(T0, Guest.DATA + 1).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("a downloaded exception handler that resumes at a wild PC", new Destroyed(128 + Cause.TLB_MISS_FETCH.code, "unhandled tlb-fetch"), g -> {
                downloadExcHandler(g, Cause.ADDR_LOAD, MissHandlerTest.concat(MissHandlerTest.li(A0, 0xDEAD0000), new int[] {MissHandlerTest.RET}));
                g.li(T0, Guest.DATA + 1).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("free another environment's page", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, 0).li(A1, 77).li(A2, 77).sys(KernelCall.PAGE_FREE);
                exitWithA0(g);
            }),
            row("allocate a page another environment owns", new Refused(KernelError.BUSY), g -> {
                g.li(A0, 0).li(A3, 0).sys(KernelCall.PAGE_ALLOC);
                exitWithA0(g);
            }),
            row("guarantee another environment's page", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, 0).li(A3, VA).li(A4, 1).li(A5, 3).li(A6, 4).li(A7, 0).sys(KernelCall.ENV_GUARANTEE);
                exitWithA0(g);
            }),
            row("destroy the witness without its capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, WITNESS).li(A1, 1).li(A2, 2).sys(KernelCall.ENV_DESTROY);
                exitWithA0(g);
            }),
            row("destroy itself with env_destroy (env_exit is the way out)", new Refused(KernelError.INVAL), g -> {
                g.sys(KernelCall.ENV_SELF).li(A1, 0).li(A2, 0).sys(KernelCall.ENV_DESTROY);
                exitWithA0(g);
            }),
            row("destroy id 0 (itself)", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A1, 0).li(A2, 0).sys(KernelCall.ENV_DESTROY);
                exitWithA0(g);
            }),
            row("map the kernel's half of the address space", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                g.mv(A3, A2).mv(A2, A1).mv(A1, A0).li(A0, 0x80000000).li(A4, Tlb.WRITABLE).sys(KernelCall.TLB_WRITE);
                exitWithA0(g);
            }),
            row("guarantee a page in the kernel's half", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                g.mv(A4, A0).mv(A5, A1).mv(A6, A2).li(A0, 0).li(A3, 0xFFFFF000).li(A7, 0).sys(KernelCall.ENV_GUARANTEE);
                exitWithA0(g);
            }),
            row("free its own page holding only the read-only capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).sys(KernelCall.PAGE_CAP_RO).sys(KernelCall.PAGE_FREE);
                exitWithA0(g);
            }),
            row("free a page its own guaranteed mapping pins", new Refused(KernelError.BUSY), g -> {
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).mv(S0, A0).mv(S1, A1).mv(T1, A2);
                g.mv(A4, A0).mv(A5, A1).mv(A6, A2).li(A0, 0).li(A3, VA).li(A7, 0).sys(KernelCall.ENV_GUARANTEE);
                g.mv(A0, S0).mv(A1, S1).mv(A2, T1).sys(KernelCall.PAGE_FREE);
                exitWithA0(g);
            }),
            row("take the witness's time slot", new Refused(KernelError.BUSY), g -> {
                g.li(A0, 0).li(A3, 0).sys(KernelCall.SLICE_ALLOC);
                exitWithA0(g);
            }),
            row("charge a page to the witness without its capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, WITNESS).li(A1, 0x1111).li(A2, 0x2222).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                exitWithA0(g);
            }),
            row("yield to a dead environment", new Refused(KernelError.BADENV), g -> {
                g.li(A0, 0x7701).sys(KernelCall.YIELD);
                exitWithA0(g);
            }),
            row("restart itself at a new start PC", new Refused(KernelError.BUSY), g -> {
                g.li(A0, 0).li(A3, KernelCallHandlers.PC_START).li(A4, Guest.CODE).sys(KernelCall.ENV_SET_PC);
                exitWithA0(g);
            }),
            row("a cons_write buffer wrapping around the address space", new Refused(KernelError.FAULT), g -> {
                g.li(A0, 0xFFFFFFF0).li(A1, 64).sys(KernelCall.CONS_WRITE);
                exitWithA0(g);
            }),
            row("pop a repossession vector nothing was taken into", new Refused(KernelError.NOTFOUND), g -> {
                g.sys(KernelCall.PAGE_REPOSSESSED);
                exitWithA0(g);
            }),
            row("remove a guaranteed mapping it never made", new Refused(KernelError.NOTFOUND), g -> {
                g.li(A0, 0).li(A3, VA).sys(KernelCall.ENV_UNGUARANTEE);
                exitWithA0(g);
            }),
            row("probe an address it never mapped", new Refused(KernelError.NOTFOUND), g -> {
                g.li(A0, VA).li(A1, 1).sys(KernelCall.TLB_PROBE);
                exitWithA0(g);
            }),
            row("free a slot beyond the time-slice vector", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A3, 64).sys(KernelCall.SLICE_FREE);
                exitWithA0(g);
            }),
            row("set an entry PC that does not exist", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 0).li(A3, 9).li(A4, Guest.CODE).sys(KernelCall.ENV_SET_PC);
                exitWithA0(g);
            }),
            row("set the witness's handler without its capability", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, WITNESS).li(A1, 0).li(A2, 0).li(A3, Cause.TLB_MISS_LOAD.code).li(A4, 0x1000).sys(KernelCall.ENV_SET_HANDLER);
                exitWithA0(g);
            }),
            row("a wild pointer to cons_write", new Refused(KernelError.FAULT), g -> {
                g.li(A0, 0xDEAD0000).li(A1, 16).sys(KernelCall.CONS_WRITE);
                exitWithA0(g);
            }),
            row("a buffer running off the end of its memory", new Refused(KernelError.FAULT), g -> {
                g.li(A0, Guest.DATA + Guest.DATA_SIZE - 4).li(A1, 64).sys(KernelCall.CONS_WRITE);
                exitWithA0(g);
            }),
            row("a negative length", new Refused(KernelError.INVAL), g -> {
                g.li(A0, Guest.DATA).li(A1, -1).sys(KernelCall.CONS_WRITE);
                exitWithA0(g);
            }),
            row("a 2 GiB length", new Refused(KernelError.INVAL), g -> {
                g.li(A0, Guest.DATA).li(A1, 0x7FFFFFFF).sys(KernelCall.CONS_WRITE);
                exitWithA0(g);
            }),
            row("cons_read into its read-only code", new Refused(KernelError.FAULT), g -> {
                g.li(A0, Guest.CODE).li(A1, 4).sys(KernelCall.CONS_READ);
                exitWithA0(g);
            }),
            row("a save area outside any guaranteed mapping", new Refused(KernelError.NOTGUARANTEED), g -> {
                g.saveArea(0x500000);
                exitWithA0(g);
            }),
            row("a save area in read-only guaranteed code", new Refused(KernelError.NOTGUARANTEED), g -> {
                g.saveArea(Guest.CODE);
                exitWithA0(g);
            }),
            row("a save area crossing a page", new Refused(KernelError.ALIGN), g -> {
                g.saveArea(Guest.DATA + 0xFF8);
                exitWithA0(g);
            }),
            row("a handler for a cause that does not exist", new Refused(KernelError.INVAL), g -> {
                g.handler(99, 0x1000);
                exitWithA0(g);
            }),
            row("a misaligned handler PC", new Refused(KernelError.ALIGN), g -> {
                g.handler(Cause.OVERFLOW.code, 0x1002);
                exitWithA0(g);
            }),
            row("an unknown kernel call", new Refused(KernelError.NOSYS), g -> {
                g.sys(0x3FFFFFF);
                exitWithA0(g);
            }),
            row("read a TLB slot that does not exist", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 64).sys(KernelCall.TLB_READ);
                exitWithA0(g);
            }),
            row("free a slot it does not own", new Refused(KernelError.PERM), g -> {
                g.li(A0, 0).li(A3, 0).sys(KernelCall.SLICE_FREE);
                exitWithA0(g);
            }),
            row("transfer control to a dead environment", new Refused(KernelError.BADENV), g -> {
                g.li(K1, 0x7701).sys(KernelCall.PCT_SYNC).mv(A0, K1);
                exitWithA0(g);
            }),
            row("transfer control to an environment with no IPC entry", new Refused(KernelError.NOENTRY), g -> {
                g.li(K1, WITNESS).sys(KernelCall.PCT_ASYNC).mv(A0, K1);
                exitWithA0(g);
            }),
            row("exhaust its page limit", new Refused(KernelError.LIMIT), KernelOptions.defaults().withLimits(64, 48, 256),
                g -> exhaust(g, x -> x.li(A0, 0).li(A3, -1), KernelCall.PAGE_ALLOC)),
            row("exhaust physical memory", new Refused(KernelError.NOMEM),
                g -> exhaust(g, x -> x.li(A0, 0).li(A3, -1), KernelCall.PAGE_ALLOC)),
            row("exhaust the environment table", new Refused(KernelError.NOENV),
                g -> exhaust(g, x -> { }, KernelCall.ENV_CREATE)),
            row("exhaust the time-slice vector", new Refused(KernelError.NOSLOT),
                g -> exhaust(g, x -> x.li(A0, 0).li(A3, -1), KernelCall.SLICE_ALLOC)),
            row("exhaust its guaranteed mappings", new Refused(KernelError.LIMIT), g -> {
                g.li(S0, VA);
                int loop = g.pc();
                g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC);
                g.mv(A4, A0).mv(A5, A1).mv(A6, A2).li(A0, 0).mv(A3, S0).li(A7, 0).sys(KernelCall.ENV_GUARANTEE);
                g.li(T0, 0x1000).emit(Opcode.ADD.encode(S0, S0, T0));
                g.branch(Opcode.BGE, A0, 0, loop);
                exitWithA0(g);
            }),
            row("take every slot, then spin forever", new StillRunning(), g -> {
                int loop = g.pc();
                g.li(A0, 0).li(A3, -1).sys(KernelCall.SLICE_ALLOC).branch(Opcode.BGE, A0, 0, loop);
                g.emit(Opcode.JAL.encode(0, 0));
            }),
            row("spin forever past its slice", new StillRunning(), g -> g.emit(Opcode.JAL.encode(0, 0))),
            row("an epilogue that never gives the CPU back", new Destroyed(128 + Cause.TIMER.code, "epilogue overran its grace period"), g -> {
                int skip = g.hole();
                int epilogue = g.pc();
                g.emit(Opcode.JAL.encode(0, 0));
                g.patchJump(skip, g.pc());
                g.li(A0, 0).li(A3, KernelCallHandlers.PC_EPILOGUE).li(A4, epilogue).sys(KernelCall.ENV_SET_PC);
                g.emit(Opcode.JAL.encode(0, 0));
            }),
            row("fault inside its own fault handler", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "fault inside its own exception handler"), g -> {
                int save = g.space(16);
                int skip = g.hole();
                int handler = g.pc();
                g.li(T0, 0x00900000).lw(T1, 0, T0).handlerReturn();
                g.patchJump(skip, g.pc());
                g.handler(Cause.TLB_MISS_LOAD.code, handler).saveArea(save);
                g.li(T0, 0x00500000).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("read an address it never mapped", new Destroyed(128 + Cause.TLB_MISS_LOAD.code, "unhandled tlb-load"), g -> {
                g.li(T0, 0x30000).lw(T1, 0, T0);
                g.exit(0);
            }),
            row("jump to a wild address", new Destroyed(128 + Cause.TLB_MISS_FETCH.code, "unhandled tlb-fetch at EPC 0xfffffff0"), g -> {
                g.li(T0, 0xFFFFFFF0).emit(Opcode.JALR.encode(0, 0, T0));
            }),
            row("execute its data", new Destroyed(128 + Cause.PROT_FETCH.code, "unhandled prot-fetch"), g -> {
                g.li(T0, Guest.DATA).emit(Opcode.JALR.encode(0, 0, T0));
            }),
            row("write its own code", new Destroyed(128 + Cause.PROT_STORE.code, "unhandled prot-store"), g -> {
                g.li(T0, Guest.CODE).sw(0, 0, T0);
            }));
    }

    /** A page of the caller's: ppn in s0, its read-write capability in s1/t1. */
    static void ownPage(Guest g) {
        g.li(A0, 0).li(A3, -1).sys(KernelCall.PAGE_ALLOC).mv(S0, A0).mv(S1, A1).mv(T1, A2);
    }

    /** blk_read or blk_write of block a0 with capability a1/a2 to or from the page in s0, s1/t1. */
    static void dma(Guest g, KernelCall c) {
        g.mv(A3, S0).mv(A4, S1).mv(A5, T1).sys(c);
    }

    /** Keeps a0..a2 (a block and its capability) at rec. */
    static void keep(Guest g, int rec) {
        g.li(T0, rec).sw(A0, 0, T0).sw(A1, 4, T0).sw(A2, 8, T0);
    }

    /** Loads a0..a2 back from rec. */
    static void reload(Guest g, int rec) {
        g.li(T0, rec).lw(A0, 0, T0).lw(A1, 4, T0).lw(A2, 8, T0);
    }

    /** Spins about 3n instructions (past the host's turn at 100,000 instructions for n = 50,000). */
    static void spin(Guest g, int n) {
        g.li(T0, n);
        int loop = g.pc();
        g.addi(T0, T0, -1).branch(Opcode.BNE, T0, 0, loop);
    }

    /**
     * The disk's rows (issue 16): every row runs with a 64-block disk attached (data blocks
     * 3..63), the witness beside it never touching the disk.
     */
    static Stream<Arguments> diskAttacks() {
        return Stream.of(
            row("DMA with a forged block capability", new Refused(KernelError.BADCAP), g -> {
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC).li(A1, 0x1234).li(A2, 0x5678);
                dma(g, KernelCall.BLK_READ);
                exitWithA0(g);
            }),
            row("a block capability used after the block was freed", new Refused(KernelError.BADCAP), g -> {
                int rec = g.space(12);
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                keep(g, rec);
                g.sys(KernelCall.BLK_FREE);
                reload(g, rec);
                dma(g, KernelCall.BLK_WRITE);
                exitWithA0(g);
            }),
            row("a block's read-only capability to write it", new Refused(KernelError.BADCAP), g -> {
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC).sys(KernelCall.BLK_CAP_RO);
                dma(g, KernelCall.BLK_WRITE);
                exitWithA0(g);
            }),
            row("DMA a block into a page it does not hold", new Refused(KernelError.BADCAP), g -> {
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC).li(A3, 1).li(A4, 0x1111).li(A5, 0x2222).sys(KernelCall.BLK_READ);
                exitWithA0(g);
            }),
            row("DMA a block into its page under the page's read-only capability", new Refused(KernelError.BADCAP), g -> {
                ownPage(g);
                g.mv(A0, S0).mv(A1, S1).mv(A2, T1).sys(KernelCall.PAGE_CAP_RO).mv(S1, A1).mv(T1, A2);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                dma(g, KernelCall.BLK_READ);
                exitWithA0(g);
            }),
            row("write the kernel's block table (block 0)", new Refused(KernelError.BADCAP), g -> {
                ownPage(g);
                g.li(A0, 0).li(A1, 0).li(A2, 0);
                dma(g, KernelCall.BLK_WRITE);
                exitWithA0(g);
            }),
            row("allocate a block beyond the disk", new Refused(KernelError.INVAL), g -> {
                g.li(A0, 1_000_000).sys(KernelCall.BLK_ALLOC);
                exitWithA0(g);
            }),
            row("DMA a block number beyond the disk", new Refused(KernelError.INVAL), g -> {
                ownPage(g);
                g.li(A0, 64).li(A1, 1).li(A2, 1);
                dma(g, KernelCall.BLK_READ);
                exitWithA0(g);
            }),
            row("flood the disk queue with writes", new Refused(KernelError.BUSY), g -> {
                int rec = g.space(12);
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                keep(g, rec);
                int loop = g.pc();
                reload(g, rec);
                dma(g, KernelCall.BLK_WRITE);
                g.branch(Opcode.BGE, A0, 0, loop);
                exitWithA0(g);
            }),
            row("free a block with a write in flight", new Refused(KernelError.BUSY), g -> {
                int rec = g.space(12);
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                keep(g, rec);
                dma(g, KernelCall.BLK_WRITE);
                reload(g, rec);
                g.sys(KernelCall.BLK_FREE);
                exitWithA0(g);
            }),
            row("free the root block", new Refused(KernelError.PERM), g -> {
                g.sys(KernelCall.BLK_ROOT).sys(KernelCall.BLK_FREE);
                exitWithA0(g);
            }),
            rowWithHost("allocate the block another environment holds", new Refused(KernelError.BUSY), g -> {
                spin(g, 50_000);
                g.li(A0, 20).sys(KernelCall.BLK_ALLOC);
                exitWithA0(g);
            }, k -> k.blocks().allocate(k.env(WITNESS), 20)),
            rowWithHost("write the block another environment holds, guessing its capability", new Refused(KernelError.BADCAP), g -> {
                ownPage(g);
                spin(g, 50_000);
                g.li(A0, 20).li(A1, 1).li(A2, 0);
                dma(g, KernelCall.BLK_WRITE);
                exitWithA0(g);
            }, k -> k.blocks().allocate(k.env(WITNESS), 20)),
            rowWithHost("ask for the witness's block with blk_revoke, without its capability", new Refused(KernelError.BADCAP), g -> {
                spin(g, 50_000);
                g.li(A0, WITNESS).li(A1, 0x1234).li(A2, 0x5678).li(A3, 20).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }, k -> k.blocks().allocate(k.env(WITNESS), 20)),
            row("ask itself for its own block with blk_revoke", new Refused(KernelError.INVAL), g -> {
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC).mv(A3, A0).li(A0, 0).li(A1, 0).li(A2, 0).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }),
            row("ask its child for a block the child does not hold (its own)", new Refused(KernelError.PERM), g -> {
                int rec = g.space(12);
                g.sys(KernelCall.ENV_CREATE);
                keep(g, rec);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC).mv(A3, A0);
                reload(g, rec);
                g.sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }),
            row("ask its child for the kernel's table block", new Refused(KernelError.INVAL), g -> {
                g.sys(KernelCall.ENV_CREATE).li(A3, 0).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }),
            row("ask a destroyed child for a block", new Refused(KernelError.BADENV), g -> {
                int rec = g.space(12);
                g.sys(KernelCall.ENV_CREATE);
                keep(g, rec);
                g.sys(KernelCall.ENV_DESTROY);
                reload(g, rec);
                g.li(A3, 20).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }),
            rowWithHost("ask its child for the witness's block", new Refused(KernelError.PERM), g -> {
                int rec = g.space(12);
                g.sys(KernelCall.ENV_CREATE);
                keep(g, rec);
                spin(g, 50_000);
                reload(g, rec);
                g.li(A3, 20).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }, k -> k.blocks().allocate(k.env(WITNESS), 20)),
            rowWithHost("ask its child for a block twice: one request at a time", new Refused(KernelError.BUSY), g -> {
                int rec = g.space(12);
                g.sys(KernelCall.ENV_CREATE);
                keep(g, rec);
                spin(g, 50_000);
                reload(g, rec);
                g.li(A3, 21).sys(KernelCall.BLK_REVOKE);
                int first = g.hole();
                exitWithA0(g);                                   // the first request refused: its error
                g.patchBranch(first, Opcode.BEQ, A0, 0, g.pc());
                reload(g, rec);
                g.li(A3, 21).sys(KernelCall.BLK_REVOKE);
                exitWithA0(g);
            }, k -> k.blocks().allocate(k.env(WITNESS + 2), 21)),
            row("destroyed with disk writes in flight", new Destroyed(128 + Cause.TLB_MISS_FETCH.code, "unhandled tlb-fetch"), g -> {
                int rec = g.space(12);
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                keep(g, rec);
                for (int i = 0; i < 4; i++) {
                    reload(g, rec);
                    dma(g, KernelCall.BLK_WRITE);
                }
                g.sys(KernelCall.BLK_FLUSH);
                g.li(T0, 0xFFFFFFF0).emit(Opcode.JALR.encode(0, 0, T0));
            }),
            row("take every block: the quota stops it", new Refused(KernelError.LIMIT), KernelOptions.defaults().withBlockQuota(5),
                g -> exhaust(g, x -> x.li(A0, -1), KernelCall.BLK_ALLOC)),
            row("take every block: the disk fills", new Refused(KernelError.NOSPC), g -> exhaust(g, x -> x.li(A0, -1), KernelCall.BLK_ALLOC)),
            rowWithHost("keep using a block after it was repossessed", new Refused(KernelError.BADCAP), g -> {
                int rec = g.space(12);
                ownPage(g);
                g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
                keep(g, rec);
                int wait = g.pc();
                g.li(A0, 0).sys(KernelCall.YIELD).sys(KernelCall.BLK_REPOSSESSED).branch(Opcode.BLT, A0, 0, wait);
                reload(g, rec);
                dma(g, KernelCall.BLK_WRITE);
                exitWithA0(g);
            }, k -> assertTrue(k.blocks().requestBack(k.env(WITNESS + 1), k.blocks().owners().firstData()))));
    }

    static Guest witness() {
        return SchedulerTest.printer("witness", "w\n", 5, 15_000);
    }

    /** A row that hangs the host (the machine trapping forever with no instruction retired) fails rather than stalling the build. */
    @ParameterizedTest(name = "{0}")
    @MethodSource({"attacks", "diskAttacks"})
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void theAttackIsStoppedAndTheWitnessFinishesIntact(String name, Outcome outcome, KernelOptions options, Consumer<Guest> attack,
                                                        Consumer<Kernel> host) {
        Disk disk = Disk.create(dir.resolve("adversarial.img"), 64L * Disk.BLOCK_SIZE);
        BlockOwners.format(disk, 1);
        Boot b = new Boot(options, new Interpreter(), new byte[0], disk);
        assertEquals(WITNESS, b.boot(witness()));
        Guest g = new Guest("attacker");
        attack.accept(g);
        b.boot(g);
        b.kernel.run(100_000);
        if (b.kernel.env(WITNESS + 1) != null) host.accept(b.kernel);
        RunResult r = b.kernel.run(20_000_000);
        disk.close();
        RunResult.Program w = r.programs().get(0), a = r.programs().get(1);
        assertTrue(w.finished() && !w.killed(), name + ": witness did not finish: " + r.reason() + " " + w.diagnostic());
        assertEquals(0, w.exitStatus(), name);
        assertEquals(WITNESS_OUTPUT, w.output(), name);
        if (outcome instanceof Refused ref) {
            assertFalse(a.killed(), name + ": " + a.diagnostic());
            assertEquals(ref.error(), KernelError.ofCode(a.exitStatus()), name + ": exit status " + a.exitStatus());
        } else if (outcome instanceof Destroyed d) {
            assertTrue(a.killed(), name + ": not destroyed");
            assertEquals(d.status(), a.exitStatus(), name + ": exit status");
            assertNotNull(a.diagnostic());
            assertTrue(a.diagnostic().contains(d.diagnosticContains()), name + ": " + a.diagnostic());
        } else {
            assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason(), name);
            assertFalse(a.finished(), name);
        }
    }

}
