package exo.monitor;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The monitor on a real terminal: JLine line editing, persistent history in
 * {@code ~/.exo_history}, tab completion of commands, symbols, register names, causes and kernel
 * views, and Ctrl-C: at the prompt it clears the line, while the guest runs it stops the guest
 * at an instruction boundary with its state intact.
 */
public final class Interactive implements Monitor.LineSource {
    private final LineReader reader;

    public Interactive(Terminal terminal, Monitor monitor, Path historyFile) {
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("exo")
                .completer(completer(monitor))
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.HISTORY_SIZE, 2000)
                .build();
        terminal.handle(Terminal.Signal.INT, s -> monitor.debugger().interrupt());
    }

    @Override
    public String readLine(String prompt) throws IOException {
        while (true) {
            try {
                String line = reader.readLine(prompt);
                reader.getHistory().save();
                return line;
            } catch (UserInterruptException e) {
                // Ctrl-C at the prompt abandons the line being typed.
            } catch (EndOfFileException e) {
                return null;
            }
        }
    }

    @Override
    public boolean isScript() {
        return false;
    }

    /** Asks on the terminal until the answer is y or n; end of input or Ctrl-C is no. */
    @Override
    public boolean confirm(String question) {
        while (true) {
            String a;
            reader.setVariable(LineReader.DISABLE_HISTORY, true); // an answer is not a command
            try {
                a = reader.readLine(question);
            } catch (UserInterruptException | EndOfFileException e) {
                return false;
            } finally {
                reader.setVariable(LineReader.DISABLE_HISTORY, false);
            }
            a = a.strip().toLowerCase(java.util.Locale.ROOT);
            if (a.equals("y") || a.equals("yes")) return true;
            if (a.equals("n") || a.equals("no")) return false;
        }
    }

    /** The words after info, and what info registers takes. */
    static final List<String> INFO = List.of("breakpoints", "watchpoints", "registers", "frame", "threads", "display", "catch", "views", "disk", "snapshots");

    /**
     * Completion that knows the context: the first word completes to commands; after info, help,
     * catch, uncatch, kernel and set only what those take; after break, tbreak, until, list and
     * disassemble symbols, and {@code file.s:} lines that have code; a word starting with $ to
     * registers; elsewhere symbols and registers. Numbers (frame, thread, delete) get nothing.
     */
    static Completer completer(Monitor monitor) {
        return (reader, line, candidates) -> {
            for (String w : candidates(monitor, line.words().subList(0, line.wordIndex()), line.word().substring(0, line.wordCursor()))) {
                Monitor.Command c = line.wordIndex() == 0 ? monitor.command(w) : null;
                candidates.add(c == null ? new Candidate(w) : new Candidate(w, w, c.name().equals(w) ? "commands" : "aliases", c.help(), null, null, true));
            }
        };
    }

    /** What may complete word, the words before it being before (the first is the command). */
    static List<String> candidates(Monitor monitor, List<String> before, String word) {
        List<String> l = new ArrayList<>();
        DebugInfo info = monitor.debugger().target().debugInfo();
        if (before.isEmpty()) {
            for (Monitor.Command c : monitor.commands()) {
                l.add(c.name());
                l.addAll(c.aliases());
            }
            return l;
        }
        String first = before.get(0);
        int slash = first.indexOf('/');
        Monitor.Command c = monitor.command(slash > 0 ? first.substring(0, slash) : first);
        String name = c == null ? "" : c.name();
        if (word.startsWith("$")) {
            for (String r : registers()) l.add("$" + r);
            return l;
        }
        switch (name) {
            case "info":
                if (before.size() == 1) return INFO;
                return before.get(1).startsWith("r") ? registers() : l;
            case "help":
                for (Monitor.Command x : monitor.commands()) l.add(x.name());
                return l;
            case "catch": case "uncatch":
                for (Cause x : Cause.values()) l.add(x.shortName);
                l.add("all");
                return l;
            case "kernel":
                return new ArrayList<>(monitor.debugger().target().kernelViews().keySet());
            case "set":
                return before.size() == 1 ? registers() : l;
            case "frame": case "up": case "down": case "thread": case "delete": case "enable": case "disable": case "undisplay":
            case "step": case "next": case "reverse-step": case "traps": case "source": case "quit": case "continue": case "run":
                return l;
            case "break": case "tbreak": case "until": case "list": case "disassemble":
                int colon = word.lastIndexOf(':');
                if (colon > 0) {
                    String file = word.substring(0, colon);
                    for (DebugInfo.Location loc : info.codeLines()) {
                        String base = loc.file().substring(loc.file().lastIndexOf('/') + 1);
                        if (loc.file().equals(file) || base.equals(file)) l.add(file + ":" + loc.line());
                    }
                    return l;
                }
                l.addAll(info.symbols());
                if (before.size() > 1) l.add("if");
                return l;
            default:
                l.addAll(info.symbols());
                l.addAll(registers());
                return l;
        }
    }

    /** Register names an expression takes: general registers, pc, control registers and counters. */
    static List<String> registers() {
        List<String> l = new ArrayList<>();
        for (int r = 0; r < Register.COUNT; r++) l.add(Register.name(r));
        l.add("pc");
        l.addAll(Evaluator.MACHINE_REGISTERS);
        return l;
    }
}
