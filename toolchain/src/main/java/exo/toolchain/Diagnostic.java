package exo.toolchain;

import java.util.List;

/**
 * One message about a user's input: where it is, what is wrong, and the line it is on. Printed
 * as {@code file:line:col: error: message}, then the source line and a caret under the column.
 * {@code line} or {@code col} of 0 means unknown, and that part is left out; notes (e.g. where a
 * duplicate symbol was first defined) follow the main message in the same format.
 */
public record Diagnostic(String severity, String file, int line, int col, String message, String sourceLine,
        List<Diagnostic> notes) {

    public static Diagnostic error(String file, int line, int col, String message, String sourceLine) {
        return new Diagnostic("error", file, line, col, message, sourceLine, List.of());
    }

    public static Diagnostic note(String file, int line, int col, String message, String sourceLine) {
        return new Diagnostic("note", file, line, col, message, sourceLine, List.of());
    }

    /** An error about a whole file (a corrupt object, a missing input). */
    public static Diagnostic error(String file, String message) {
        return error(file, 0, 0, message, null);
    }

    public Diagnostic withNote(Diagnostic note) {
        List<Diagnostic> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new Diagnostic(severity, file, line, col, message, sourceLine, List.copyOf(all));
    }

    /** The location prefix: {@code file:line:col}, shortened when parts are unknown. */
    public String where() {
        StringBuilder sb = new StringBuilder(file == null ? "exo" : file);
        if (line > 0) sb.append(':').append(line);
        if (line > 0 && col > 0) sb.append(':').append(col);
        return sb.toString();
    }

    /** The full text, ending in a newline: header, source line and caret, then the notes. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    private void appendTo(StringBuilder sb) {
        sb.append(where()).append(": ").append(severity).append(": ").append(message).append('\n');
        if (sourceLine != null) {
            sb.append(sourceLine).append('\n');
            if (col > 0) {
                // Keep tabs so the caret lines up with the text above it in any terminal.
                for (int i = 0; i < col - 1 && i < sourceLine.length(); i++) {
                    sb.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
                }
                for (int i = sourceLine.length(); i < col - 1; i++) sb.append(' ');
                sb.append("^\n");
            }
        }
        for (Diagnostic n : notes) n.appendTo(sb);
    }

    @Override
    public String toString() {
        return format();
    }
}
