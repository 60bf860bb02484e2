package exo.monitor;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.os.GuestOs;
import exo.toolchain.Suggest;
import exo.trace.TraceFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The monitor's commands: one table (name, aliases, arguments, help, action) from which
 * dispatch, {@code help} and tab completion all derive. Input comes from a {@link LineSource}:
 * an interactive JLine terminal ({@link Interactive}) or a script. Large because it is the
 * command table and parses every command's arguments; rendering lives in {@link Views} and
 * {@link CallStack}, frame and thread selection in {@link Selection}, execution control in
 * {@link Debugger}.
 */
public final class Monitor {
    /** A command's action; throws {@link Problem} for a user mistake. */
    @FunctionalInterface
    interface Action {
        void run(String args) throws Problem;
    }

    /** A user's mistake in a command: printed as {@code error: message}, the monitor goes on. */
    static final class Problem extends Exception {
        Problem(String message) {
            super(message);
        }
    }

    /** One row of the command table. */
    record Command(String name, List<String> aliases, String args, String help, Action action) {}

    /** Where command lines come from. */
    public interface LineSource {
        /** The next line, or null at end of input. */
        String readLine(String prompt) throws IOException;

        /** Whether lines come from a script (and are echoed into the transcript). */
        boolean isScript();

        /** Asks a yes-or-no question; a script answers yes without asking. */
        default boolean confirm(String question) throws IOException {
            return true;
        }
    }

    /** An expression shown at every stop ({@code display}), with its print format, if any. */
    private record Display(int id, char format, String expression) {}

    private final Debugger dbg;
    private final PrintWriter out;
    private final Views views;
    private final Map<String, Command> table = new LinkedHashMap<>();
    private boolean quit;
    private int sourceDepth;
    /** The trace being written ('trace FILE'), the target it traces and its file; null when not tracing. */
    private TraceFile trace;
    private DebugTarget traced;
    /** The execution the trace is of ({@link Debugger#executions}): run and reverse execution start another. */
    private long tracedExecution;
    private Path tracePath;
    /** Where lines come from now: {@code delete} asks it for confirmation. */
    private LineSource input = script(new BufferedReader(java.io.Reader.nullReader()));
    /** Files run by {@link #runFile} that failed. */
    private int scriptErrors;
    /** Commands read by {@link #commands} that failed. */
    private int failures;
    /** The frame and thread whose registers expressions use. */
    private final Selection selection;
    private final List<Display> displays = new ArrayList<>();
    private int nextDisplayId = 1;
    /** The command an empty line repeats on a terminal: the last step-like or examine command. */
    private String repeatable;
    /** Where a bare {@code x} continues, and with what count, format and unit. */
    private int examineNext;
    private int examineCount = 1;
    private char examineFormat = 'x';
    private int examineUnit = 4;
    private boolean examinePhysical;
    /** Commands Enter repeats, as gdb's do. */
    private static final java.util.Set<String> REPEATED = java.util.Set.of("step", "next", "line", "nextline", "reverse-step", "x", "xp", "list");

    public Monitor(Debugger dbg, PrintWriter out) {
        this.dbg = dbg;
        this.out = out;
        this.views = new Views(dbg);
        this.selection = new Selection(dbg, out);
        define();
    }

    public List<Command> commands() {
        List<Command> l = new ArrayList<>();
        for (Command c : table.values()) if (!l.contains(c)) l.add(c);
        return l;
    }

    public Debugger debugger() {
        return dbg;
    }

    /** Prints the greeting: where the program stopped. */
    public void greet() {
        out.println("Exo monitor. The program is stopped at its entry " + dbg.describe(dbg.machine().cpu.pc) + ".");
        out.println("Type 'help' for commands; 'continue' runs the program.");
        out.flush();
    }

    /** Greets, then reads and executes commands until quit or end of input. */
    public void run(LineSource in) throws IOException {
        greet();
        commands(in);
        end();
    }

    /** Ends the session: completes a trace still being written. */
    public void end() {
        if (trace != null) endTrace();
        out.flush();
    }

    /**
     * Reads and executes commands until quit or end of input. On a terminal an empty line
     * repeats the last step-like or examine command, as in gdb.
     */
    public void commands(LineSource in) throws IOException {
        LineSource outer = input;
        input = in;
        try {
            while (!quit) {
                String line = in.readLine("(exo) ");
                if (line == null) break;
                if (in.isScript()) out.println("(exo) " + line);
                if (line.isBlank() && !in.isScript() && repeatable != null) line = repeatable;
                if (!execute(line)) failures++;
                out.flush();
            }
        } finally {
            input = outer;
            out.flush();
        }
    }

    /** Whether the monitor was told to quit. */
    public boolean quitting() {
        return quit;
    }

    /** Commands that failed, read from any source. */
    public int failures() {
        return failures;
    }

    /** Files run by {@link #runFile} that failed: unreadable, or a command in them failed. */
    public int scriptErrors() {
        return scriptErrors;
    }

    /**
     * Runs the commands in file, echoed as a transcript. The first command that fails ends the
     * file (as in gdb) and counts in {@link #scriptErrors}. Returns false if it could not be read.
     */
    public boolean runFile(Path file) {
        try {
            source(file.toString());
            return true;
        } catch (Problem p) {
            out.println("error: " + p.getMessage());
            out.flush();
            scriptErrors++;
            return false;
        }
    }

    /** Executes one command line; returns false if it failed (an error was printed). */
    public boolean execute(String line) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) return true;
        String word = line.split("\\s+", 2)[0];
        String args = line.substring(word.length()).strip();
        // gdb-style x/8x and xp/4b: the format rides on the command word.
        int slash = word.indexOf('/');
        if (slash > 0) {
            args = word.substring(slash) + " " + args;
            word = word.substring(0, slash);
        }
        String lower = word.toLowerCase(Locale.ROOT);
        Command c = lookup(lower);
        if (c == null) {
            List<String> candidates = completions(lower);
            String help = "; 'help' lists the commands";
            if (candidates.size() > 1) {
                out.println("error: ambiguous command '" + word + "': " + String.join(", ", candidates) + help);
            } else {
                String hint = Suggest.didYouMean(lower, table.keySet());
                out.println("error: unknown command '" + word + "'" + (hint.isEmpty() ? help : hint));
            }
            return false;
        }
        if (REPEATED.contains(c.name())) repeatable = c.name().startsWith("x") || c.name().equals("list") ? c.name() : line;
        else repeatable = null;
        boolean ok = false;
        try {
            c.action().run(args);
            ok = true;
        } catch (Problem p) {
            out.println("error: " + p.getMessage());
        } catch (UncheckedIOException e) {
            out.println("error: " + tracePath + ": writing the trace failed: " + e.getCause().getMessage() + "; tracing stopped");
            traced.os().stats().tracer = null;
            trace = null;
        }
        if (trace != null && dbg.executions() != tracedExecution) {
            // run and reverse execution restore an earlier state: the trace was of what came after it.
            out.println("trace: the program restarted; " + tracePath + " ends where it did");
            endTrace();
        }
        return ok;
    }

    /** 'trace FILE': trace what runs from now on; 'trace off' completes the file; 'trace' says which. */
    private void trace(String a) throws Problem {
        if (a.isEmpty()) {
            out.println(trace == null ? "not tracing" : "tracing to " + tracePath);
            return;
        }
        if (a.equals("off")) {
            if (trace == null) throw new Problem("not tracing");
            endTrace();
            return;
        }
        if (trace != null) throw new Problem("already tracing to " + tracePath + "; 'trace off' first");
        GuestOs os = dbg.target().os();
        if (os == null) throw new Problem("this target has no kernel to trace");
        Path p = Path.of(a);
        if (Files.isDirectory(p)) throw new Problem(p + ": cannot write the trace: is a directory");
        try {
            trace = TraceFile.create(p, TraceFile.Options.DEFAULT);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Problem(p + ": cannot write the trace: no such directory");
        } catch (IOException e) {
            throw new Problem(p + ": cannot write the trace: " + e.getMessage());
        }
        traced = dbg.target();
        tracedExecution = dbg.executions();
        tracePath = p;
        trace.attach(dbg.machine(), os);
        out.println("tracing to " + p + " from cycle " + dbg.machine().cpu.cycles + "; 'trace off' completes the file");
    }

    private void endTrace() {
        traced.os().stats().tracer = null;
        TraceFile t = trace;
        trace = null;
        try {
            t.close();
            out.println("trace written to " + tracePath + (t.stopNote() == null ? "" : " (it " + t.stopNote() + ")"));
        } catch (UncheckedIOException e) {
            out.println("error: " + tracePath + ": writing the trace failed: " + e.getCause().getMessage());
        }
    }

    /** The command word names (a name, alias or unambiguous prefix), or null. */
    Command command(String word) {
        return lookup(word.toLowerCase(Locale.ROOT));
    }

    /** The command named or aliased word, or the one command whose name starts with it (as gdb allows). */
    private Command lookup(String word) {
        Command c = table.get(word);
        if (c != null) return c;
        Command only = null;
        for (Map.Entry<String, Command> e : table.entrySet()) {
            if (!e.getKey().startsWith(word)) continue;
            if (only != null && only != e.getValue()) return null;
            only = e.getValue();
        }
        return only;
    }

    private List<String> completions(String word) {
        List<String> l = new ArrayList<>();
        for (Command c : commands()) if (c.name().startsWith(word)) l.add(c.name());
        return l;
    }

    private void add(String name, String aliases, String args, String help, Action action) {
        Command c = new Command(name, aliases.isEmpty() ? List.of() : List.of(aliases.split(" ")), args, help, action);
        table.put(name, c);
        for (String a : c.aliases()) table.put(a, c);
    }

    private void define() {
        add("run", "r", "", "restart the program from its entry and run it", a -> report(dbg.run()));
        add("continue", "c cont", "", "continue until a breakpoint, watchpoint, caught exception or exit (Ctrl-C stops)", a -> report(dbg.cont()));
        add("step", "s si stepi", "[N]", "execute N instructions (default 1), entering calls and exception handlers", a -> {
            long n = count(a);
            Debugger.TrapRecord mark = dbg.lastTrap();
            Debugger.Stop s = dbg.step(n);
            if (n == 1) kernelNotes(mark);
            report(s);
        });
        add("next", "n ni nexti", "[N]", "execute N instructions, running over calls", a -> report(dbg.next(count(a))));
        add("line", "sl", "", "step to the next source line, entering calls", a -> report(dbg.stepLine(true)));
        add("nextline", "nl", "", "step to the next source line, running over calls", a -> report(dbg.stepLine(false)));
        add("finish", "fin", "", "run until the current function returns", a -> report(dbg.finish()));
        add("until", "u advance", "LOC", "run until LOC is reached or the current function returns", a -> report(dbg.until(location(a, true))));
        add("reverse-step", "rs rsi", "[N]", "go back N instructions (restores a snapshot and re-executes from it)", a -> report(dbg.reverseStep(count(a))));
        add("reverse-continue", "rc", "", "go back to the most recent breakpoint, watchpoint or caught exception", a -> report(dbg.reverseContinue()));
        add("break", "b", "LOC [if EXPR]", "stop when execution reaches LOC: an address, symbol[+off], *EXPR or file:line", a -> breakpoint(a, false));
        add("tbreak", "tb", "LOC [if EXPR]", "a breakpoint deleted when first hit", a -> breakpoint(a, true));
        add("watch", "w", "ADDR [LEN]", "stop after a store to [ADDR, ADDR+LEN) (LEN defaults to 4)", a -> watch(a, false, true));
        add("rwatch", "", "ADDR [LEN]", "stop after a load from the range", a -> watch(a, true, false));
        add("awatch", "", "ADDR [LEN]", "stop after a load or store to the range", a -> watch(a, true, true));
        add("catch", "", "CAUSE|all", "stop when an exception of CAUSE is raised, before the kernel handles it", a -> catchCause(a, true));
        add("uncatch", "", "CAUSE|all", "stop catching CAUSE", a -> catchCause(a, false));
        add("delete", "d", "[ID...]", "delete breakpoints and watchpoints (all if no ID)", this::delete);
        add("disable", "", "ID...", "disable breakpoints or watchpoints", a -> enable(a, false));
        add("enable", "", "ID...", "enable breakpoints or watchpoints", a -> enable(a, true));
        add("info", "i", "breakpoints|watchpoints|registers [REG]|frame|threads|display|catch|views|disk|snapshots", "list breakpoints, watchpoints, registers, the selected frame, threads, displays, caught causes, kernel views, the disk or reverse execution's snapshots", this::info);
        add("registers", "regs reg", "", "general and control registers; * marks those changed since the last stop", a -> registers(""));
        add("print", "p", "[/F] EXPR", "evaluate EXPR over registers, symbols, *addr and C operators; F: x d u t c", a -> print(a));
        add("x", "examine", "[/NFU] [ADDR]", "examine memory through the current address space; F: x d u t c s i, U: b h w (no ADDR: continue)", a -> examine(a, false));
        add("xp", "", "[/NFU] [PADDR]", "examine physical memory", a -> examine(a, true));
        add("set", "", "REG = EXPR | *ADDR = EXPR | pc = EXPR", "change a register or a memory word", this::set);
        add("disassemble", "disas dis", "[LOC [N]]", "disassemble N instructions (default 10) at LOC (default: around the PC)", this::disassemble);
        add("list", "l", "[LOC]", "source lines around LOC (default: the PC; again: the lines after)", this::list);
        add("backtrace", "bt where", "", "the call chain, through exception handlers into the code they interrupted", a -> out.print(CallStack.render(dbg, selection.frames(), selection.frameNumber())));
        add("frame", "f", "[N]", "select frame N of the backtrace for print, x, display and registers (no N: show the selected one)", a -> selection.frame(a.isBlank() ? null : eval(a)));
        add("up", "", "[N]", "select the frame N calls out (default 1), towards main", a -> selection.move(a.isBlank() ? 1 : (int) count(a), 1));
        add("down", "", "[N]", "select the frame N calls in (default 1), towards the stop", a -> selection.move(a.isBlank() ? 1 : (int) count(a), -1));
        add("thread", "", "[N]", "select library OS thread N (see 'info threads') for backtrace, frame and print", a -> selection.thread(a.isBlank() ? null : eval(a)));
        add("display", "disp", "[/F] [EXPR]", "print EXPR at every stop (no EXPR: print them all now)", this::display);
        add("undisplay", "", "[N...]", "stop displaying expression N (no N: all of them)", this::undisplay);
        add("tlb", "", "", "the hardware TLB: entries, ASIDs, flags and referenced bits", a -> out.print(views.tlb()));
        add("traps", "log", "[N]", "the last N exceptions (default 20): cause, EPC, BADVADDR and where they were delivered", a -> out.print(views.traps(a.isEmpty() ? 20 : (int) count(a))));
        add("kernel", "k", "VIEW", "a kernel view: envs, pages, stlb, slices, and disk with a disk (see 'info views')", this::kernelView);
        for (String v : dbg.target().kernelViews().keySet()) {
            if (!table.containsKey(v)) add(v, "", "", "kernel view: " + v + " (same as 'kernel " + v + "')", a -> kernelView(v));
        }
        add("revoke-block", "", "ENV BLOCK", "ask environment ENV for disk block BLOCK back, as a parent's blk_revoke does (the exokernel, with a disk)", this::revokeBlock);
        add("stats", "", "", "instructions, cycles and exceptions by cause", a -> out.print(views.stats()));
        add("trace", "", "[FILE|off]", "write a timeline of what runs from now on to FILE (Trace Event Format, docs/tracing.md); off completes it",
                this::trace);
        add("source", "", "FILE", "execute monitor commands from FILE", this::source);
        add("help", "h ?", "[COMMAND]", "list commands, or describe one", this::help);
        add("quit", "q exit", "", "leave the monitor", a -> quit = true);
    }

    private void report(Debugger.Stop s) {
        if (!s.message().isEmpty()) out.println(s.message());
        selection.reset();
        listNext = null;
        if (s.kind() != Debugger.Kind.HALTED) {
            where();
            showDisplays();
        }
        views.remember();
    }

    /**
     * What the kernel did during a single step, a line a trap, before the stop is shown: a kernel
     * call that returned, a TLB miss the kernel filled (from its STLB, a guaranteed mapping or
     * downloaded code), a fault downloaded code resolved, or the handler a trap was forwarded to.
     * A step that traps stops either at the next instruction or in the handler; these lines say why.
     */
    private void kernelNotes(Debugger.TrapRecord mark) {
        for (Debugger.TrapRecord t : dbg.trapsAfter(mark)) {
            out.println(String.format("trap: %s at 0x%08x%s -> %s", t.cause().shortName, t.epc(),
                    t.cause().setsBadVaddr ? String.format(" (badvaddr 0x%08x)", t.badVaddr()) : "", t.delivered()));
        }
    }

    /** The current instruction, and its source line when known. */
    private void where() {
        int pc = dbg.machine().cpu.pc;
        DebugInfo.Location l = dbg.target().debugInfo().lineOf(pc);
        out.println(views.instruction(pc).replaceFirst("^[^\\n]*:\\n", ""));
        if (l != null) {
            List<String> src = dbg.target().debugInfo().source(l.file());
            if (l.line() <= src.size()) out.println(String.format("   %s:%d  %s", l.file(), l.line(), src.get(l.line() - 1).strip()));
        }
    }

    private long count(String a) throws Problem {
        if (a.isEmpty()) return 1;
        int v = eval(a);
        if (v <= 0) throw new Problem("count must be positive, not " + v);
        return v;
    }

    private int eval(String e) throws Problem {
        if (e.isBlank()) throw new Problem("an expression is needed");
        try {
            return Evaluator.eval(e, dbg.target(), selection.registers());
        } catch (Evaluator.Error x) {
            throw new Problem(x.getMessage());
        }
    }

    /** Set by {@link #location} when a file:line without code moved to the next line with code. */
    private String moved;

    /**
     * LOC: file:line, or an expression (symbol, symbol+off, address, *expr). A line without code
     * (blank, a comment, a label alone, data) means the next line with code in that file.
     */
    private int location(String a) throws Problem {
        return location(a, false);
    }

    /**
     * A location; with code, a file:line whose line produced only data (a label with .word,
     * .asciz) also means the next line with code, as a breakpoint there could never be hit.
     */
    private int location(String a, boolean code) throws Problem {
        a = a.strip();
        moved = null;
        if (a.isEmpty()) throw new Problem("a location is needed: an address, a symbol, or file:line");
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.substring(colon + 1).matches("\\d+")) {
            String file = a.substring(0, colon);
            int line = Integer.parseInt(a.substring(colon + 1));
            DebugInfo info = dbg.target().debugInfo();
            Integer addr = info.addressOfLine(file, line);
            if (addr != null && (!code || info.inCode(addr))) return addr;
            int from = line;
            Integer next;
            do {
                next = info.nextLineInTable(file, from);
                if (next == null) throw new Problem("no code at " + a + " or after it in " + file);
                from = next;
                addr = info.addressOfLine(file, next);
            } while (code && !info.inCode(addr));
            moved = String.format("%s:%d has no code; using line %d, the next line with code", file, line, next);
            return addr;
        }
        if (a.startsWith("*")) a = a.substring(1);
        return eval(a);
    }

    private void breakpoint(String a, boolean temporary) throws Problem {
        String cond = null;
        int i = a.indexOf(" if ");
        if (i >= 0) {
            cond = a.substring(i + 4).strip();
            a = a.substring(0, i);
            eval(cond);
        }
        String loc = a.isBlank() ? String.format("0x%x", dbg.machine().cpu.pc) : a.strip();
        int addr = location(loc, true);
        if ((addr & 3) != 0) throw new Problem(String.format("0x%08x is not an instruction address (not 4-aligned)", addr));
        if (moved != null) out.println(moved);
        if (!dbg.target().debugInfo().inCode(addr)) {
            out.println("warning: " + dbg.describe(addr) + " is not in the program's code (data, or not loaded): execution reaches it only if code is placed there");
        }
        Breakpoints.Breakpoint b = dbg.points.addBreakpoint(addr, loc, cond, temporary);
        out.println((temporary ? "temporary breakpoint " : "breakpoint ") + b.id + " at " + dbg.describe(addr) + (cond == null ? "" : " if " + cond));
    }

    private void watch(String a, boolean read, boolean write) throws Problem {
        String[] p = a.strip().split("\\s+");
        if (p[0].isEmpty()) throw new Problem("an address is needed");
        int addr = eval(p[0]);
        int len = p.length > 1 ? eval(p[1]) : 4;
        if (len <= 0) throw new Problem("length must be positive");
        long end = Integer.toUnsignedLong(addr) + len;
        if (end > 1L << 32) {
            throw new Problem(String.format("[0x%08x, 0x%08x + %d) runs past the top of the address space, 0xffffffff", addr, addr, len));
        }
        Breakpoints.Watchpoint w = dbg.points.addWatchpoint(addr, len, read, write);
        out.println(String.format("watchpoint %d on %s of [0x%08x, 0x%08x)", w.id, read && write ? "access" : read ? "read" : "write", addr, end));
    }

    private void catchCause(String a, boolean on) throws Problem {
        if (a.isBlank()) {
            out.println("causes: all " + String.join(" ", causeNames()));
            return;
        }
        for (String n : a.split("[\\s,]+")) {
            if (n.equals("all")) {
                for (Cause c : Cause.values()) set(c, on);
                continue;
            }
            Cause c = Cause.ofName(n);
            if (c == null) throw new Problem("no cause '" + n + "'; causes: all " + String.join(" ", causeNames()));
            set(c, on);
        }
        out.println("catching: " + (dbg.catches().isEmpty() ? "nothing" : String.join(" ", dbg.catches().stream().map(c -> c.shortName).toList())));
    }

    private void set(Cause c, boolean on) {
        if (on) dbg.catches().add(c);
        else dbg.catches().remove(c);
    }

    private static List<String> causeNames() {
        List<String> l = new ArrayList<>();
        for (Cause c : Cause.values()) l.add(c.shortName);
        return l;
    }

    private void delete(String a) throws Problem {
        if (a.isBlank()) {
            int n = dbg.points.breakpoints().size() + dbg.points.watchpoints().size();
            if (n == 0) {
                out.println("no breakpoints or watchpoints to delete");
                return;
            }
            out.flush();
            try {
                if (!input.confirm("Delete all " + n + " breakpoints and watchpoints? (y or n) ")) {
                    out.println("not deleted");
                    return;
                }
            } catch (IOException e) {
                throw new Problem("cannot read the answer: " + e.getMessage());
            }
            dbg.points.deleteAll();
            out.println("deleted all breakpoints and watchpoints");
            return;
        }
        for (String id : a.split("[\\s,]+")) {
            if (!dbg.points.delete((int) count(id))) throw new Problem("no breakpoint or watchpoint " + id);
        }
    }

    private void enable(String a, boolean on) throws Problem {
        if (a.isBlank()) throw new Problem("which? give breakpoint or watchpoint numbers");
        for (String id : a.split("[\\s,]+")) {
            if (!dbg.points.setEnabled((int) count(id), on)) throw new Problem("no breakpoint or watchpoint " + id);
        }
    }

    private void info(String a) throws Problem {
        String[] words = a.strip().split("\\s+", 2);
        if (words[0].equals("r") || words[0].equals("reg") || words[0].equals("registers")) {
            registers(words.length > 1 ? words[1] : "");
            return;
        }
        switch (a.strip()) {
            case "b": case "break": case "breakpoints": case "w": case "watch": case "watchpoints":
                if (dbg.points.breakpoints().isEmpty() && dbg.points.watchpoints().isEmpty()) {
                    out.println("no breakpoints or watchpoints");
                    return;
                }
                out.println("id  type        enabled  hits  where");
                for (Breakpoints.Breakpoint b : dbg.points.breakpoints()) {
                    out.println(String.format("%-3d %-11s %-8s %4d  %s%s", b.id, b.temporary ? "tbreak" : "breakpoint", b.enabled ? "yes" : "no", b.hits,
                            dbg.describe(b.address), b.condition == null ? "" : " if " + b.condition));
                }
                for (Breakpoints.Watchpoint w : dbg.points.watchpoints()) {
                    out.println(String.format("%-3d %-11s %-8s %4d  [0x%08x, 0x%08x)", w.id, w.onRead && w.onWrite ? "awatch" : w.onRead ? "rwatch" : "watch",
                            w.enabled ? "yes" : "no", w.hits, w.start, Integer.toUnsignedLong(w.start) + w.length));
                }
                return;
            case "f": case "frame":
                out.print(selection.frameInfo());
                return;
            case "threads":
                selection.infoThreads();
                return;
            case "display":
                if (displays.isEmpty()) out.println("no expressions are displayed");
                for (Display d : displays) out.println(d.id() + ": " + (d.format() == 0 ? "" : "/" + d.format() + " ") + d.expression());
                return;
            case "catch":
                out.println("catching: " + (dbg.catches().isEmpty() ? "nothing" : String.join(" ", dbg.catches().stream().map(c -> c.shortName).toList())));
                return;
            case "views":
                out.println("kernel views: " + String.join(" ", dbg.target().kernelViews().keySet()));
                return;
            case "disk":
                if (!dbg.target().kernelViews().containsKey("disk")) throw new Problem("no disk: start the monitor with exo debug --disk FILE");
                kernelView("disk");
                return;
            case "snapshots":
                out.println(dbg.snapshotSummary());
                return;
            default:
                throw new Problem("info what? breakpoints, watchpoints, registers [REG...], frame, threads, display, catch, views, disk or snapshots");
        }
    }

    private void print(String a) throws Problem {
        char f = 0;
        a = a.strip();
        if (a.startsWith("/")) {
            int sp = a.indexOf(' ');
            String fmt = sp < 0 ? a.substring(1) : a.substring(1, sp);
            a = sp < 0 ? "" : a.substring(sp + 1);
            f = printFormat(fmt);
        }
        out.println(formatted(eval(a), f));
    }

    private static char printFormat(String fmt) throws Problem {
        if (fmt.length() != 1 || "xdutc".indexOf(fmt.charAt(0)) < 0) {
            throw new Problem("unknown print format '" + fmt + "'; formats: x (hex), d (signed), u (unsigned), t (binary), c (character)");
        }
        return fmt.charAt(0);
    }

    /** A value as print shows it: in format f, or (f = 0) decimal, hex and the symbol it may point into. */
    private String formatted(int v, char f) {
        switch (f) {
            case 'x': return String.format("0x%x", v);
            case 'd': return Integer.toString(v);
            case 'u': return Integer.toUnsignedString(v);
            case 't': return Integer.toBinaryString(v);
            case 'c': return String.format("%d '%s'", v & 0xFF, Views.escape(v & 0xFF));
            default:
                DebugInfo info = dbg.target().debugInfo();
                // Name the value only when it is plausibly an address: at most 4 KiB past a symbol.
                String sym = info.symbolAt(v) != null && v - info.symbolAddress(v) < 4096 ? info.describe(v) : null;
                return String.format("%d (0x%x)%s", v, v, sym == null ? "" : " <" + sym + ">");
        }
    }

    private void display(String a) throws Problem {
        a = a.strip();
        if (a.isEmpty()) {
            showDisplays();
            return;
        }
        char f = 0;
        if (a.startsWith("/")) {
            int sp = a.indexOf(' ');
            if (sp < 0) throw new Problem("display what? an expression follows the format");
            f = printFormat(a.substring(1, sp));
            a = a.substring(sp + 1).strip();
        }
        eval(a);
        Display d = new Display(nextDisplayId++, f, a);
        displays.add(d);
        show(d);
    }

    private void undisplay(String a) throws Problem {
        if (a.isBlank()) {
            displays.clear();
            return;
        }
        for (String id : a.split("[\\s,]+")) {
            int n = (int) count(id);
            if (!displays.removeIf(d -> d.id() == n)) throw new Problem("no display " + id + "; 'info display' lists them");
        }
    }

    private void showDisplays() {
        for (Display d : displays) show(d);
    }

    private void show(Display d) {
        String value;
        try {
            value = formatted(eval(d.expression()), d.format());
        } catch (Problem p) {
            value = "<" + p.getMessage() + ">";
        }
        out.println(d.id() + ": " + (d.format() == 0 ? "" : "/" + d.format() + " ") + d.expression() + " = " + value);
    }

    /** Registers: all of them, or those named (general, pc, control registers, counters), in the selected frame. */
    private void registers(String names) throws Problem {
        if (names.isBlank()) {
            if (!selection.isMachine()) out.println("(the running code's registers; 'info registers NAME' and 'print' show the selected frame's)");
            out.print(views.registers());
            return;
        }
        for (String n : names.split("[\\s,]+")) {
            String r = n.startsWith("$") ? n.substring(1) : n;
            if (Register.parse(r) < 0 && !r.equals("pc") && Evaluator.machineRegister(r, dbg.target()) == null) {
                throw new Problem("no register '" + n + "'");
            }
            int v = eval("$" + r);
            out.println(String.format("%-8s 0x%08x  %d", r, v, v));
        }
    }

    /**
     * x/NFU ADDR as in gdb: N a count (default 1), F a format (x d u t c s i, default x), U a unit
     * (b h w; default w, b for c). So x/4b is four bytes in hex and x/2h two halves, as before
     * units existed. Without ADDR it continues after the last memory examined, with the same N,
     * F and U, which is what Enter repeats.
     */
    private void examine(String a, boolean physical) throws Problem {
        a = a.strip();
        int n = a.isEmpty() ? examineCount : 1;
        char f = a.isEmpty() ? examineFormat : 'x';
        int unit = a.isEmpty() ? examineUnit : 4;
        boolean formatGiven = false;
        if (a.startsWith("/")) {
            int sp = a.indexOf(' ');
            String fmt = sp < 0 ? a.substring(1) : a.substring(1, sp);
            a = sp < 0 ? "" : a.substring(sp + 1).strip();
            String digits = fmt.replaceAll("^([0-9]*).*", "$1");
            if (!digits.isEmpty()) n = Integer.parseInt(digits.length() > 5 ? "99999" : digits);
            boolean unitGiven = false;
            for (char c : fmt.substring(digits.length()).toCharArray()) {
                if ("bhw".indexOf(c) >= 0) {
                    if (unitGiven) throw new Problem("two units in '/" + fmt + "'; units: b h w");
                    unit = c == 'b' ? 1 : c == 'h' ? 2 : 4;
                    unitGiven = true;
                } else if ("xdutcsi".indexOf(c) >= 0) {
                    if (formatGiven) throw new Problem("two formats in '/" + fmt + "'; formats: x d u t c s i");
                    f = c;
                    formatGiven = true;
                } else {
                    throw new Problem("unknown format '" + c + "' in '/" + fmt + "'; formats: x d u t c s i, units: b h w");
                }
            }
            if (!formatGiven) f = 'x';
            if (!unitGiven) unit = f == 'c' ? 1 : 4;
        }
        if (n <= 0 || n > 4096) throw new Problem("count must be 1..4096");
        if (physical && f == 'i') throw new Problem("xp cannot disassemble; use x/i through the address space");
        int addr;
        if (a.isEmpty()) {
            if (examinePhysical != physical || repeatableExamineMissing) throw new Problem("an address is needed");
            addr = examineNext;
        } else {
            addr = eval(a);
        }
        Views.Examined e = views.examine(addr, n, f, unit, physical);
        out.print(e.text());
        examineNext = e.next();
        examineCount = n;
        examineFormat = f;
        examineUnit = unit;
        examinePhysical = physical;
        repeatableExamineMissing = false;
    }

    /** No x has run yet, so a bare x has nowhere to continue. */
    private boolean repeatableExamineMissing = true;

    private void set(String a) throws Problem {
        int eq = a.indexOf('=');
        if (eq < 0) throw new Problem("usage: set REG = EXPR, or set *ADDR = EXPR");
        String lhs = a.substring(0, eq).strip();
        int v = eval(a.substring(eq + 1));
        if (lhs.startsWith("*")) {
            int va = eval(lhs.substring(1));
            if ((va & 3) != 0) throw new Problem(String.format("0x%08x is not word-aligned", va));
            int pa = dbg.target().translate(va);
            if (pa < 0) throw new Problem(String.format("0x%08x is not mapped in the current address space", va));
            dbg.change(t -> t.machine().memory.writeWord(pa, v));
            return;
        }
        String r = lhs.startsWith("$") ? lhs.substring(1) : lhs;
        if (r.equals("pc")) {
            dbg.change(t -> t.machine().cpu.pc = v);
            return;
        }
        int reg = Register.parse(r);
        if (reg < 0) throw new Problem("no register '" + lhs + "'");
        if (reg == 0) throw new Problem("zero is hard-wired to 0");
        dbg.change(t -> t.machine().cpu.regs[reg] = v);
    }

    private void disassemble(String a) throws Problem {
        String[] p = a.strip().split("\\s+");
        int n = 10;
        int from;
        if (p[0].isEmpty()) {
            from = dbg.machine().cpu.pc - 16;
        } else {
            from = location(p[0]);
            if (p.length > 1) n = (int) count(p[1]);
        }
        out.print(views.disassemble(from & ~3, Math.min(n, 4096)));
    }

    /** The file and the line after the last one {@code list} showed; a bare list continues there until the next stop. */
    private DebugInfo.Location listNext;

    private void list(String a) throws Problem {
        if (a.isBlank() && listNext != null) {
            List<String> lines = dbg.target().debugInfo().source(listNext.file());
            if (listNext.line() > lines.size()) throw new Problem("line " + listNext.line() + " is past the end of " + listNext.file() + " (" + lines.size() + " lines)");
            out.print(views.sourceLines(listNext.file(), listNext.line(), listNext.line() + 9));
            listNext = new DebugInfo.Location(listNext.file(), listNext.line() + 10);
            return;
        }
        int addr = a.isBlank() ? dbg.machine().cpu.pc : location(a);
        String s = views.source(addr, 5);
        if (s == null) throw new Problem("no source line for " + dbg.describe(addr) + "; 'disassemble' shows the code");
        out.print(s);
        DebugInfo.Location l = dbg.target().debugInfo().lineOf(addr);
        listNext = new DebugInfo.Location(l.file(), l.line() + 6);
    }

    private void kernelView(String a) throws Problem {
        Supplier<String> v = dbg.target().kernelViews().get(a.strip());
        if (v == null) throw new Problem("no kernel view '" + a.strip() + "'; views: " + String.join(" ", dbg.target().kernelViews().keySet()));
        out.print(v.get());
    }

    /** The host's block revocation request: the kernel's refusal, if it refuses, is the error line. */
    private void revokeBlock(String a) throws Problem {
        String[] p = a.strip().split("\\s+");
        if (p.length != 2) throw new Problem("usage: revoke-block ENV BLOCK");
        GuestOs os = dbg.target().os();
        if (os == null) throw new Problem("no kernel: this program runs on the bare machine");
        int env = eval(p[0]), block = eval(p[1]);
        String[] said = new String[1];
        try {
            // Re-execution makes the request again at this state, without printing the kernel's answer.
            dbg.change(t -> said[0] = t.os().revokeBlock(env, block));
        } catch (IllegalArgumentException refused) {
            throw new Problem(refused.getMessage());
        }
        out.println(said[0]);
    }

    /** Runs a file of commands; the first that fails ends it (as in gdb), and source fails. */
    private void source(String a) throws Problem {
        if (a.isBlank()) throw new Problem("usage: source FILE");
        if (sourceDepth > 8) throw new Problem("source files nest too deeply (a file sourcing itself?)");
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(a.strip()));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Problem("cannot read " + a.strip() + ": no such file");
        } catch (IOException e) {
            throw new Problem("cannot read " + a.strip() + ": " + e.getMessage());
        }
        sourceDepth++;
        try {
            for (int i = 0; i < lines.size() && !quit; i++) {
                out.println("(exo) " + lines.get(i));
                if (!execute(lines.get(i))) {
                    // Fails the source command itself, so a file that sources this one stops too.
                    throw new Problem(String.format("%s:%d: the command failed; the rest of %s is skipped", a.strip(), i + 1, a.strip()));
                }
            }
        } finally {
            sourceDepth--;
        }
    }

    private void help(String a) throws Problem {
        if (a.isBlank()) {
            out.println("Commands (aliases in brackets); 'help COMMAND' for one:");
            for (Command c : commands()) {
                String names = c.name() + (c.aliases().isEmpty() ? "" : " [" + String.join(" ", c.aliases()) + "]");
                out.println(String.format("  %-28s %s", names + " " + c.args(), c.help()));
            }
            out.println("LOC is an address, symbol, symbol+off, *EXPR or file:line. EXPR uses registers (a0, $pc), symbols, *addr and C operators.");
            return;
        }
        Command c = table.get(a.strip());
        if (c == null) throw new Problem("no command '" + a.strip() + "'" + Suggest.didYouMean(a.strip().toLowerCase(Locale.ROOT), table.keySet()));
        out.println(c.name() + " " + c.args());
        out.println("  " + c.help());
        if (!c.aliases().isEmpty()) out.println("  aliases: " + String.join(", ", c.aliases()));
    }

    /** Reads lines from a script or other non-terminal input. */
    public static LineSource script(BufferedReader r) {
        return new LineSource() {
            @Override
            public String readLine(String prompt) throws IOException {
                return r.readLine();
            }

            @Override
            public boolean isScript() {
                return true;
            }
        };
    }
}
