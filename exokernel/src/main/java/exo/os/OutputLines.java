package exo.os;

import exo.emulator.machine.Console;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Console output of several programs kept apart, for both kernels: with prefixing on, each
 * program's bytes are gathered into lines and written as {@code [name] line}; with it off,
 * bytes go straight through. Each program's {@link ProgramOutput} also keeps what it wrote.
 */
public final class OutputLines {
    private final Console console;
    private final boolean prefix;
    private final ByteArrayOutputStream[] pending = new ByteArrayOutputStream[256];
    private final String[] names = new String[256];

    public OutputLines(Console console, boolean prefix) {
        this.console = console;
        this.prefix = prefix;
    }

    /** Writes len bytes of b from off as program's output: kept in its capture and sent to the console. */
    public void write(ProgramOutput program, byte[] b, int off, int len) {
        program.keep(b, off, len);
        write(program.stream, program.name, b, off, len);
    }

    /** Writes out program's unfinished line, if any (it ended). */
    public void flush(ProgramOutput program) {
        flush(program.stream, program.name);
    }

    private void write(int stream, String name, byte[] b, int off, int len) {
        if (!prefix) {
            console.write(b, off, len);
            return;
        }
        ByteArrayOutputStream line = pending[stream];
        if (line == null) line = pending[stream] = new ByteArrayOutputStream();
        names[stream] = name;
        for (int i = off; i < off + len; i++) {
            line.write(b[i]);
            if (b[i] == '\n') emit(stream, line);
        }
    }

    private void flush(int stream, String name) {
        ByteArrayOutputStream line = pending[stream];
        if (line != null && line.size() > 0) {
            names[stream] = name;
            emit(stream, line);
        }
        pending[stream] = null;
    }

    /** Writes out every unfinished line and flushes the console. */
    public void flushAll() {
        for (int s = 0; s < pending.length; s++) if (pending[s] != null) flush(s, names[s]);
        console.flush();
    }

    private void emit(int stream, ByteArrayOutputStream line) {
        byte[] p = ("[" + names[stream] + "] ").getBytes(StandardCharsets.UTF_8);
        console.write(p, 0, p.length);
        byte[] body = line.toByteArray();
        console.write(body, 0, body.length);
        if (body.length == 0 || body[body.length - 1] != '\n') console.write('\n');
        line.reset();
    }
}
