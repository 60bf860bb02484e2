package exo.os;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One program's console output, kept the same way by both kernels: every byte goes on to the
 * console through {@link OutputLines}, and the first {@link #CAPTURE_LIMIT} bytes are also kept
 * for {@link RunResult.Program#output}. The stream number tells programs apart on the console
 * (the kernels use the ASID); the name is the line prefix.
 */
public final class ProgramOutput {
    /** A program's captured output stops growing here (the console still gets it all). */
    public static final int CAPTURE_LIMIT = 1 << 20;

    final int stream;
    final String name;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    public ProgramOutput(int stream, String name) {
        this.stream = stream;
        this.name = name;
    }

    /** Keeps what still fits under the limit. */
    void keep(byte[] b, int off, int len) {
        if (kept.size() < CAPTURE_LIMIT) kept.write(b, off, Math.min(len, CAPTURE_LIMIT - kept.size()));
    }

    /** Everything kept so far, as text. */
    public String text() {
        return kept.toString(StandardCharsets.UTF_8);
    }
}
