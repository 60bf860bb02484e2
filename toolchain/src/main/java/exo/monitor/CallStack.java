package exo.monitor;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of the running environment, innermost first, as {@code backtrace} shows them and
 * {@code frame}, {@code up} and {@code down} select them.
 *
 * <p>Calls are followed by the calling convention (docs/libos.md): a function that calls others
 * saves ra at fp-4 and the caller's fp at fp-8 and points fp at its frame top; before it has
 * saved ra (a leaf, or its first instructions), ra still holds the return. Exception handlers
 * and upcalls are followed by what the debugger saw at the trap site ({@link
 * Debugger.Activation}): the handler's calls are walked until the function the kernel entered,
 * then an exception frame names the trap (cause, EPC, BADVADDR), and the walk goes on in the
 * interrupted code with the registers it had when the trap was taken, as gdb's
 * {@code <signal handler called>} does.
 */
final class CallStack {
    /**
     * One frame. A code frame has a PC (the instruction executing, or in an outer frame the call
     * instruction) and registers, of which those in the mask {@code known} (bit r for register r)
     * are known: all of them in the innermost frame and in code an exception interrupted; pc,
     * sp, fp and ra in an outer frame, as the convention recovers them; what a thread switch
     * saves in a thread that is not running. An exception frame has {@code exception} set and
     * stands between a handler and what it interrupted.
     */
    record Frame(int pc, int[] regs, int known, Debugger.Activation exception) {
        boolean isException() {
            return exception != null;
        }

        boolean allRegs() {
            return known == ALL;
        }

        /** Whether register r's value is known in this frame. */
        boolean knows(int r) {
            return (known >>> r & 1) != 0;
        }
    }

    /** Every register known. */
    static final int ALL = -1;
    /** What the calling convention recovers for an outer frame: zero, sp, fp and ra. */
    static final int OUTER = 1 << Register.ZERO | 1 << Register.SP | 1 << Register.S0 | 1 << Register.RA;
    /** What survives a call, which is all a voluntary thread switch saves: OUTER, gp and s0..s7. */
    static final int CALLEE_SAVED = OUTER | 1 << Register.GP | (-1 >>> (31 - Register.S7) & -1 << Register.S0);

    /** Frames beyond this many are not shown (a corrupt fp chain could loop). */
    static final int LIMIT = 64;

    private CallStack() {}

    static List<Frame> frames(Debugger dbg) {
        List<Frame> out = new ArrayList<>();
        int pc = dbg.machine().cpu.pc;
        int[] regs = dbg.machine().cpu.regs.clone();
        int all = ALL;
        boolean fetchFault = false;
        for (Debugger.Activation a : dbg.liveActivations()) {
            int handler = functionStart(dbg, a.handlerPc());
            walk(dbg, pc, regs, all, fetchFault, handler, a.regs(), out);
            if (out.size() >= LIMIT) return out;
            out.add(new Frame(a.resumePc(), a.regs(), ALL, a));
            pc = a.resumePc();
            regs = a.regs();
            all = ALL;
            // A jump to where no instruction could be fetched has no frame of its own: ra returns.
            fetchFault = a.cause() == Cause.TLB_MISS_FETCH || a.cause() == Cause.PROT_FETCH || a.cause() == Cause.ADDR_FETCH;
        }
        walk(dbg, pc, regs, all, fetchFault, null, null, out);
        return out;
    }

    /** The frames of code that is not running: from pc with regs, of which known are known (a thread's saved state). */
    static List<Frame> frames(Debugger dbg, int pc, int[] regs, int known) {
        List<Frame> out = new ArrayList<>();
        walk(dbg, pc, regs, known, false, null, null, out);
        return out;
    }

    /**
     * Adds the frames of one stretch of code: pc and its callers, ending after the frame in
     * function stop (a handler's entry function), or where the fp chain ends. In a handler,
     * {@code trap} holds the registers of the code it interrupted: a return address or frame
     * pointer that is still the interrupted code's belongs to that code, not to a caller in the
     * handler, so the handler's stretch ends there. That is how code the entry function jumped
     * to (vm_entry jumps to vm_entry_app) is recognised as the handler's own frame, and how a
     * handler that kept the interrupted fp is not walked through into the interrupted frames.
     */
    private static void walk(Debugger dbg, int pc, int[] regs, int all, boolean fetchFault, Integer stop, int[] trap,
            List<Frame> out) {
        out.add(new Frame(pc, regs, all, null));
        if (in(dbg, pc, stop)) return;
        int fp = regs[Register.S0];
        int sp = regs[Register.SP];
        if (fetchFault || !savedRa(dbg, pc)) {
            int call = regs[Register.RA] - 4;
            if (regs[Register.RA] == 0 || trap != null && regs[Register.RA] == trap[Register.RA]) return;
            out.add(new Frame(call, outer(regs, call, sp, fp), OUTER, null));
            if (in(dbg, call, stop)) return;
        }
        while (out.size() < LIMIT && fp != 0 && (trap == null || fp != trap[Register.S0])) {
            long ra = read(dbg, fp - 4), next = read(dbg, fp - 8);
            if (ra <= 0 || next < 0) return;
            int call = (int) ra - 4;
            out.add(new Frame(call, outer(regs, call, fp, (int) next), OUTER, null));
            if (in(dbg, call, stop) || (int) next == fp) return;
            fp = (int) next;
        }
    }

    /** A caller's registers as they will be when the call at pc returns: sp, fp, and ra = pc + 4. */
    private static int[] outer(int[] inner, int pc, int sp, int fp) {
        int[] r = inner.clone();
        r[Register.SP] = sp;
        r[Register.S0] = fp;
        r[Register.RA] = pc + 4;
        return r;
    }

    private static boolean in(Debugger dbg, int pc, Integer function) {
        return function != null && functionStart(dbg, pc) == function;
    }

    private static int functionStart(Debugger dbg, int pc) {
        DebugInfo info = dbg.target().debugInfo();
        return info.symbolAt(pc) == null ? pc : info.symbolAddress(pc);
    }

    private static long read(Debugger dbg, int va) {
        if ((va & 3) != 0) return -1;
        int pa = dbg.target().translate(va);
        return pa < 0 ? -1 : dbg.machine().memory.readWord(pa) & 0xFFFFFFFFL;
    }

    /** Whether the function containing pc has already executed its {@code sw ra, ..(sp)}. */
    private static boolean savedRa(Debugger dbg, int pc) {
        DebugInfo info = dbg.target().debugInfo();
        if (info.symbolAt(pc) == null) return true;
        for (int a = info.symbolAddress(pc); a != pc; a += 4) {
            int w = dbg.wordAt(a);
            if (Decoder.decode(w) == Opcode.SW && Format.a(w) == Register.RA) return true;
        }
        return false;
    }

    /** {@code <exception tlb-load at 0x00010044 BADVADDR 0x58000000>}, or an upcall's equivalent. */
    static String describe(Debugger.Activation a) {
        if (a.byKernelCall()) return String.format("<upcall: time slice began, resuming 0x%08x (kernel call at 0x%08x)>", a.resumePc(), a.epc());
        if (a.cause() == Cause.TIMER) return String.format("<upcall: time slice ended at 0x%08x>", a.epc());
        return String.format("<exception %s at 0x%08x%s>", a.cause().shortName, a.epc(),
                a.cause().setsBadVaddr ? String.format(" BADVADDR 0x%08x", a.badVaddr()) : "");
    }

    /** One line per frame, numbered; the selected frame is marked. */
    static String render(Debugger dbg, List<Frame> frames, int selected) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            String mark = i == selected && selected != 0 ? "*" : " ";
            sb.append(String.format("#%-2d%s%s%n", i, mark, f.isException() ? describe(f.exception()) : dbg.describe(f.pc())));
        }
        if (frames.size() >= LIMIT) sb.append("(more frames not shown)\n");
        if (dbg.target().debugInfo().symbols().isEmpty()) sb.append("(no symbols: frames are return addresses)\n");
        return sb.toString();
    }
}
