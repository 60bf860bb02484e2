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

    /** The first word completes to commands; later words to symbols, registers, causes and views. */
    static Completer completer(Monitor monitor) {
        return (reader, line, candidates) -> {
            if (line.wordIndex() == 0) {
                for (Monitor.Command c : monitor.commands()) {
                    candidates.add(new Candidate(c.name(), c.name(), "commands", c.help(), null, null, true));
                    for (String a : c.aliases()) candidates.add(new Candidate(a, a, "aliases", c.help(), null, null, true));
                }
                return;
            }
            for (String w : words(monitor)) candidates.add(new Candidate(w));
        };
    }

    static List<String> words(Monitor monitor) {
        List<String> l = new ArrayList<>(monitor.debugger().target().debugInfo().symbols());
        for (int r = 0; r < Register.COUNT; r++) l.add(Register.name(r));
        l.add("pc");
        for (String r : Evaluator.MACHINE_REGISTERS) l.add("$" + r);
        for (Cause c : Cause.values()) l.add(c.shortName);
        l.addAll(monitor.debugger().target().kernelViews().keySet());
        l.addAll(List.of("breakpoints", "watchpoints", "registers", "frame", "threads", "display", "catch", "views", "all", "if"));
        return l;
    }
}
