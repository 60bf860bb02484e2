package exo.monitor;

import exo.emulator.isa.Register;
import java.io.PrintWriter;
import java.util.List;

/**
 * The frame and thread the user selected ({@code frame}, {@code up}, {@code down},
 * {@code thread}), whose registers {@code print}, {@code x} and {@code display} use, and the
 * commands that show them. Every stop selects frame 0 of the running thread again.
 */
final class Selection {
    private final Debugger dbg;
    private final PrintWriter out;
    /** The selected frame's number in {@link #frames}. */
    private int selectedFrame;
    /** The library OS thread selected, or -1 for the running one. */
    private int selectedThread = -1;

    Selection(Debugger dbg, PrintWriter out) {
        this.dbg = dbg;
        this.out = out;
    }

    /** Back to frame 0 of the running thread (at every stop). */
    void reset() {
        selectedFrame = 0;
        selectedThread = -1;
    }

    int frameNumber() {
        return selectedFrame;
    }

    /** Whether the selection is the machine's own state: frame 0 of the running thread. */
    boolean isMachine() {
        return selectedFrame == 0 && selectedThread < 0;
    }

    /** Register values in the selected frame, for {@link Evaluator}: unknown ones are refused, not guessed. */
    Evaluator.Registers registers() {
        if (isMachine()) return Evaluator.machineRegisters(dbg.target());
        CallStack.Frame f = selected();
        int n = selectedFrame;
        return new Evaluator.Registers() {
            @Override
            public int general(int r) throws Evaluator.Error {
                if (!f.knows(r)) {
                    throw new Evaluator.Error("register " + Register.name(r) + " is not known in frame " + n + (f.known() == CallStack.OUTER
                            ? ": an outer frame has only pc, sp, fp and ra (the calling convention saves no others where the monitor can find them)"
                            : ": a thread that is not running has only what a switch saves (pc, sp, fp, ra, gp, s0..s7)"));
                }
                return f.regs()[r];
            }

            @Override
            public int pc() {
                return f.pc();
            }
        };
    }

    /** The frames of the selected thread: the running code's, or a stopped thread's from its TCB. */
    List<CallStack.Frame> frames() {
        if (selectedThread >= 0) {
            for (LibosThreads.Thread t : LibosThreads.read(dbg).threads()) {
                if (t.id() == selectedThread && !t.running()) return CallStack.frames(dbg, t.pc(), t.regs(), CallStack.CALLEE_SAVED);
            }
            selectedThread = -1;
        }
        return CallStack.frames(dbg);
    }

    void infoThreads() {
        LibosThreads.Table table = LibosThreads.read(dbg);
        if (table.whyNot() != null) {
            out.println(table.whyNot());
            return;
        }
        out.println("  id  state    where");
        for (LibosThreads.Thread t : table.threads()) {
            boolean selected = selectedThread < 0 ? t.running() : t.id() == selectedThread;
            String where = t.running() ? dbg.describe(dbg.machine().cpu.pc) : t.state() == LibosThreads.T_DONE
                    ? "finished, result " + t.result() : dbg.describe(t.pc());
            if (t.state() == LibosThreads.T_BLOCKED && !t.running()) where += "; waits on " + waitsOn(table, t.waitsOn());
            out.println(String.format("%s %-3d %-8s %s", selected ? "*" : " ", t.id(), t.stateName(), where));
        }
    }

    /** What a blocked thread waits on: another thread (join) or a mutex or condition variable. */
    private String waitsOn(LibosThreads.Table table, int address) {
        for (LibosThreads.Thread t : table.threads()) if (t.tcb() == address) return "thread " + t.id() + " (join)";
        String sym = dbg.target().debugInfo().describe(address);
        return String.format("0x%08x", address) + (sym == null ? "" : " <" + sym + ">");
    }

    /** Selects thread n (null: shows the selection) and shows its innermost frame. */
    void thread(Integer n) throws Monitor.Problem {
        LibosThreads.Table table = LibosThreads.read(dbg);
        if (table.whyNot() != null) throw new Monitor.Problem(table.whyNot());
        if (n != null) {
            LibosThreads.Thread found = null;
            for (LibosThreads.Thread t : table.threads()) if (t.id() == n) found = t;
            if (found == null) throw new Monitor.Problem("no thread " + n + "; 'info threads' lists them");
            if (found.state() == LibosThreads.T_DONE && !found.running()) throw new Monitor.Problem("thread " + n + " has finished (result " + found.result() + "); it has no frames");
            selectedThread = found.running() ? -1 : n;
            selectedFrame = 0;
        }
        for (LibosThreads.Thread t : table.threads()) {
            if (selectedThread < 0 ? t.running() : t.id() == selectedThread) {
                out.println("[thread " + t.id() + ", " + t.stateName() + (t.running() ? "" : "; only the registers a thread switch saves are known") + "]");
            }
        }
        showFrame(frames());
    }

    /** The selected frame; frame 0 if the stack changed under a selection (after 'set'). */
    CallStack.Frame selected() {
        List<CallStack.Frame> frames = frames();
        if (selectedFrame >= frames.size()) selectedFrame = 0;
        return frames.get(selectedFrame);
    }

    /** Selects frame n (null: shows the selection). */
    void frame(Integer n) throws Monitor.Problem {
        List<CallStack.Frame> frames = frames();
        if (n != null) {
            if (n < 0 || n >= frames.size()) throw new Monitor.Problem("no frame " + n + "; 'backtrace' shows frames 0.." + (frames.size() - 1));
            if (frames.get(n).isException()) {
                throw new Monitor.Problem("frame " + n + " is the exception " + CallStack.describe(frames.get(n).exception())
                        + "; frame " + (n + 1) + " is the code it interrupted, frame " + (n - 1) + " its handler");
            }
            selectedFrame = n;
        }
        showFrame(frames);
    }

    /** Moves the selection steps frames out (direction 1) or in (-1), passing exception frames. */
    void move(int steps, int direction) throws Monitor.Problem {
        List<CallStack.Frame> frames = frames();
        int n = Math.min(selectedFrame, frames.size() - 1);
        for (int i = 0; i < steps; i++) {
            int next = n + direction;
            if (next >= 0 && next < frames.size() && frames.get(next).isException()) next += direction;
            if (next < 0) throw new Monitor.Problem("frame " + n + " is the innermost frame");
            if (next >= frames.size()) throw new Monitor.Problem("frame " + n + " is the outermost frame the monitor can find");
            n = next;
        }
        selectedFrame = n;
        showFrame(frames);
    }

    /** The selected frame: its line and, in an exception's interrupted code, the exception. */
    private void showFrame(List<CallStack.Frame> frames) {
        CallStack.Frame f = frames.get(selectedFrame);
        out.println(String.format("#%d  %s", selectedFrame, dbg.describe(f.pc())));
        if (selectedFrame > 0 && frames.get(selectedFrame - 1).isException()) {
            out.println("    interrupted by " + CallStack.describe(frames.get(selectedFrame - 1).exception()));
        }
        DebugInfo.Location l = dbg.target().debugInfo().lineOf(f.pc());
        if (l != null) {
            List<String> src = dbg.target().debugInfo().source(l.file());
            if (l.line() <= src.size()) out.println(String.format("   %s:%d  %s", l.file(), l.line(), src.get(l.line() - 1).strip()));
        }
    }

    String frameInfo() {
        List<CallStack.Frame> frames = frames();
        CallStack.Frame f = frames.get(Math.min(selectedFrame, frames.size() - 1));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("frame %d at %s%n", selectedFrame, dbg.describe(f.pc())));
        sb.append(String.format("  sp 0x%08x  fp 0x%08x%s%n", f.regs()[Register.SP], f.regs()[Register.S0],
                f.allRegs() ? "  (every register known)" : f.known() == CallStack.OUTER ? "  (pc, sp, fp and ra known; other registers were not saved where the monitor can find them)"
                        : "  (pc, sp, fp, ra, gp and s0..s7 known: what a thread switch saves)"));
        if (selectedFrame + 1 < frames.size()) {
            CallStack.Frame c = frames.get(selectedFrame + 1);
            sb.append("  called by: ").append(c.isException() ? "the kernel, delivering " + CallStack.describe(c.exception()) : "frame " + (selectedFrame + 1) + " " + dbg.describe(c.pc())).append('\n');
        }
        if (selectedFrame > 0) {
            CallStack.Frame c = frames.get(selectedFrame - 1);
            if (c.isException()) sb.append("  interrupted by: ").append(CallStack.describe(c.exception())).append('\n');
            else sb.append("  calls: frame ").append(selectedFrame - 1).append(' ').append(dbg.describe(c.pc())).append('\n');
        }
        return sb.toString();
    }
}
