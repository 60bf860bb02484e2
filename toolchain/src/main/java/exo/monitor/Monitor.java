package exo.monitor;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
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
 * an interactive JLine terminal ({@link Terminal}) or a script. Large because it is the
 * command table; rendering lives in {@link Views}, execution control in {@link Debugger}.
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
    }

    private final Debugger dbg;
    private final PrintWriter out;
    private final Views views;
    private final Map<String, Command> table = new LinkedHashMap<>();
    private boolean quit;
    private int sourceDepth;
    /** The trace being written ('trace FILE'), the target it traces and its file; null when not tracing. */
    private TraceFile trace;
    private DebugTarget traced;
    private Path tracePath;

    public Monitor(Debugger dbg, PrintWriter out) {
        this.dbg = dbg;
        this.out = out;
        this.views = new Views(dbg);
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

    /** Reads and executes commands until quit or end of input. */
    public void run(LineSource in) throws IOException {
        out.println("Exo monitor. The program is stopped at its entry " + dbg.describe(dbg.machine().cpu.pc) + ".");
        out.println("Type 'help' for commands; 'continue' runs the program.");
        out.flush();
        while (!quit) {
            String line = in.readLine("(exo) ");
            if (line == null) break;
            if (in.isScript()) out.println("(exo) " + line);
            execute(line);
            out.flush();
        }
        if (trace != null) endTrace();
        out.flush();
    }

    /** Executes one command line. */
    public void execute(String line) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) return;
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
            return;
        }
        try {
            c.action().run(args);
        } catch (Problem p) {
            out.println("error: " + p.getMessage());
        } catch (UncheckedIOException e) {
            out.println("error: " + tracePath + ": writing the trace failed: " + e.getCause().getMessage() + "; tracing stopped");
            traced.os().stats().tracer = null;
            trace = null;
        }
        if (trace != null && dbg.target() != traced) {
            // run and reverse execution boot the program afresh: the trace was of the old boot.
            out.println("trace: the program restarted; " + tracePath + " ends where it did");
            endTrace();
        }
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
            out.println("trace written to " + tracePath);
        } catch (UncheckedIOException e) {
            out.println("error: " + tracePath + ": writing the trace failed: " + e.getCause().getMessage());
        }
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
        add("step", "s si stepi", "[N]", "execute N instructions (default 1), entering calls and exception handlers", a -> report(dbg.step(count(a))));
        add("next", "n ni nexti", "[N]", "execute N instructions, running over calls", a -> report(dbg.next(count(a))));
        add("line", "sl", "", "step to the next source line, entering calls", a -> report(dbg.stepLine(true)));
        add("nextline", "nl", "", "step to the next source line, running over calls", a -> report(dbg.stepLine(false)));
        add("finish", "fin", "", "run until the current function returns", a -> report(dbg.finish()));
        add("until", "u advance", "LOC", "run until LOC is reached or the current function returns", a -> report(dbg.until(location(a))));
        add("reverse-step", "rs rsi", "[N]", "go back N instructions (re-executes deterministically from the start)", a -> report(dbg.reverseStep(count(a))));
        add("reverse-continue", "rc", "", "go back to the most recent breakpoint hit (re-executes from the start)", a -> report(dbg.reverseContinue()));
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
        add("info", "i", "breakpoints|watchpoints|registers|catch|views", "list breakpoints, watchpoints, registers, caught causes or kernel views", this::info);
        add("registers", "regs reg", "", "general and control registers; * marks those changed since the last stop", a -> out.print(views.registers()));
        add("print", "p", "EXPR", "evaluate EXPR over registers, symbols, *addr and C operators", a -> print(a));
        add("x", "examine", "[/NF] ADDR", "examine memory through the current address space; F: x d h b c s i", a -> examine(a, false));
        add("xp", "", "[/NF] PADDR", "examine physical memory", a -> examine(a, true));
        add("set", "", "REG = EXPR | *ADDR = EXPR | pc = EXPR", "change a register or a memory word", this::set);
        add("disassemble", "disas dis", "[LOC [N]]", "disassemble N instructions (default 10) at LOC (default: around the PC)", this::disassemble);
        add("list", "l", "[LOC]", "source lines around LOC (default: the PC)", this::list);
        add("backtrace", "bt where", "", "the call chain by the calling convention", a -> out.print(views.backtrace()));
        add("tlb", "", "", "the hardware TLB: entries, ASIDs, flags and referenced bits", a -> out.print(views.tlb()));
        add("traps", "log", "[N]", "the last N exceptions (default 20): cause, EPC, BADVADDR and where they were delivered", a -> out.print(views.traps(a.isEmpty() ? 20 : (int) count(a))));
        add("kernel", "k", "VIEW", "a kernel view: envs, pages, stlb, slices (see 'info views')", this::kernelView);
        for (String v : dbg.target().kernelViews().keySet()) {
            if (!table.containsKey(v)) add(v, "", "", "kernel view: " + v + " (same as 'kernel " + v + "')", a -> kernelView(v));
        }
        add("stats", "", "", "instructions, cycles and exceptions by cause", a -> out.print(views.stats()));
        add("trace", "", "[FILE|off]", "write a timeline of what runs from now on to FILE (Trace Event Format, docs/tracing.md); off completes it",
                this::trace);
        add("source", "", "FILE", "execute monitor commands from FILE", this::source);
        add("help", "h ?", "[COMMAND]", "list commands, or describe one", this::help);
        add("quit", "q exit", "", "leave the monitor", a -> quit = true);
    }

    private void report(Debugger.Stop s) {
        if (!s.message().isEmpty()) out.println(s.message());
        if (s.kind() != Debugger.Kind.HALTED) where();
        views.remember();
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
            return Evaluator.eval(e, dbg.target());
        } catch (Evaluator.Error x) {
            throw new Problem(x.getMessage());
        }
    }

    /** LOC: file:line, or an expression (symbol, symbol+off, address, *expr). */
    private int location(String a) throws Problem {
        a = a.strip();
        if (a.isEmpty()) throw new Problem("a location is needed: an address, a symbol, or file:line");
        int colon = a.lastIndexOf(':');
        if (colon > 0 && a.substring(colon + 1).matches("\\d+")) {
            String file = a.substring(0, colon);
            int line = Integer.parseInt(a.substring(colon + 1));
            Integer addr = dbg.target().debugInfo().addressOfLine(file, line);
            if (addr == null) throw new Problem("no code at " + a);
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
        int addr = location(loc);
        if ((addr & 3) != 0) throw new Problem(String.format("0x%08x is not an instruction address (not 4-aligned)", addr));
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
            case "r": case "reg": case "registers":
                out.print(views.registers());
                return;
            case "catch":
                out.println("catching: " + (dbg.catches().isEmpty() ? "nothing" : String.join(" ", dbg.catches().stream().map(c -> c.shortName).toList())));
                return;
            case "views":
                out.println("kernel views: " + String.join(" ", dbg.target().kernelViews().keySet()));
                return;
            default:
                throw new Problem("info what? breakpoints, watchpoints, registers, catch or views");
        }
    }

    private void print(String a) throws Problem {
        int v = eval(a);
        DebugInfo info = dbg.target().debugInfo();
        // Name the value only when it is plausibly an address: at most 4 KiB past a symbol.
        String sym = info.symbolAt(v) != null && v - info.symbolAddress(v) < 4096 ? info.describe(v) : null;
        out.println(String.format("%d (0x%x)%s", v, v, sym == null ? "" : " <" + sym + ">"));
    }

    private void examine(String a, boolean physical) throws Problem {
        int n = 1;
        char f = 'x';
        a = a.strip();
        if (a.startsWith("/")) {
            int sp = a.indexOf(' ');
            String fmt = sp < 0 ? a.substring(1) : a.substring(1, sp);
            a = sp < 0 ? "" : a.substring(sp + 1);
            String digits = fmt.replaceAll("[^0-9]", "");
            String letters = fmt.replaceAll("[0-9]", "");
            if (!digits.isEmpty()) n = Integer.parseInt(digits);
            if (letters.length() > 1 || (letters.length() == 1 && "xdhbcsi".indexOf(letters.charAt(0)) < 0)) {
                throw new Problem("unknown format '" + letters + "'; formats: x d h b c s i");
            }
            if (!letters.isEmpty()) f = letters.charAt(0);
        }
        if (n <= 0 || n > 4096) throw new Problem("count must be 1..4096");
        if (physical && f == 'i') throw new Problem("xp cannot disassemble; use x/i through the address space");
        out.print(views.examine(eval(a), n, f, physical));
    }

    private void set(String a) throws Problem {
        int eq = a.indexOf('=');
        if (eq < 0) throw new Problem("usage: set REG = EXPR, or set *ADDR = EXPR");
        String lhs = a.substring(0, eq).strip();
        int v = eval(a.substring(eq + 1));
        Cpu cpu = dbg.machine().cpu;
        if (lhs.startsWith("*")) {
            int va = eval(lhs.substring(1));
            if ((va & 3) != 0) throw new Problem(String.format("0x%08x is not word-aligned", va));
            int pa = dbg.target().translate(va);
            if (pa < 0) throw new Problem(String.format("0x%08x is not mapped in the current address space", va));
            dbg.machine().memory.writeWord(pa, v);
            return;
        }
        String r = lhs.startsWith("$") ? lhs.substring(1) : lhs;
        if (r.equals("pc")) {
            cpu.pc = v;
            return;
        }
        int reg = Register.parse(r);
        if (reg < 0) throw new Problem("no register '" + lhs + "'");
        if (reg == 0) throw new Problem("zero is hard-wired to 0");
        cpu.regs[reg] = v;
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

    private void list(String a) throws Problem {
        int addr = a.isBlank() ? dbg.machine().cpu.pc : location(a);
        String s = views.source(addr, 5);
        if (s == null) throw new Problem("no source line for " + dbg.describe(addr) + "; 'disassemble' shows the code");
        out.print(s);
    }

    private void kernelView(String a) throws Problem {
        Supplier<String> v = dbg.target().kernelViews().get(a.strip());
        if (v == null) throw new Problem("no kernel view '" + a.strip() + "'; views: " + String.join(" ", dbg.target().kernelViews().keySet()));
        out.print(v.get());
    }

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
            for (String l : lines) {
                if (quit) break;
                out.println("(exo) " + l);
                execute(l);
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
