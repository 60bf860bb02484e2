package exo.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The console streams of a debugged program, made replayable. Input read from the user is
 * recorded so that a re-execution (reverse debugging) reads exactly the same bytes; output is
 * counted so that a re-execution does not print again what the user has already seen.
 */
final class ReplayStreams {
    private final InputStream live;
    private final OutputStream sink;
    private final ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    /** Bytes of output already shown to the user, over every execution of the program. */
    private long shown;

    ReplayStreams(InputStream live, OutputStream sink) {
        this.live = live;
        this.sink = sink;
    }

    /**
     * Output from the start of the program is shown again: for {@code run}, which the user sees as
     * a new execution (as gdb's), unlike going back, whose re-execution stays silent until it
     * passes what was shown.
     */
    void showAgain() {
        shown = 0;
    }

    /** A fresh pair for one execution: input replays the recording, then reads live input. */
    InputStream input() {
        byte[] replay = recorded.toByteArray();
        return new InputStream() {
            private int pos;

            @Override
            public int read() throws IOException {
                if (pos < replay.length) return replay[pos++] & 0xFF;
                int b = live.read();
                if (b >= 0) recorded.write(b);
                pos++;
                return b;
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                if (written++ >= shown) {
                    sink.write(b);
                    shown++;
                }
            }

            @Override
            public void flush() throws IOException {
                sink.flush();
            }
        };
    }
}
