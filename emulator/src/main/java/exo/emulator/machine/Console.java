package exo.emulator.machine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The console device: a byte sink and a byte source. Output is written through at once; input
 * reads block on the host stream (the guest asked for it), and end of input reads as -1.
 */
public final class Console {
    private final OutputStream out;
    private final InputStream in;

    public Console(OutputStream out, InputStream in) {
        this.out = out;
        this.in = in;
    }

    /** A console with no input, whose output is collected in memory (for tests). */
    public static Console capturing(ByteArrayOutputStream sink) {
        return new Console(sink, InputStream.nullInputStream());
    }

    public void write(int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException("console output failed", e);
        }
    }

    public void write(byte[] b, int off, int len) {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new UncheckedIOException("console output failed", e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("console output failed", e);
        }
    }

    /** The next input byte 0..255, or -1 at end of input. */
    public int read() {
        try {
            flush();
            return in.read();
        } catch (IOException e) {
            return -1;
        }
    }
}
