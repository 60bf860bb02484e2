package exo.toolchain;

import java.util.List;

/**
 * A user's input was bad: a source file with errors, a corrupt object or executable, an
 * unresolvable link. Carries every diagnostic found (up to {@link Diagnostics#LIMIT}); the CLI
 * prints them and exits with {@code DATAERR}. Never thrown for a bug in Exo.
 */
public final class ToolchainException extends Exception {
    private final List<Diagnostic> diagnostics;

    public ToolchainException(List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "error" : diagnostics.get(0).where() + ": " + diagnostics.get(0).message(), null, false, false);
        if (diagnostics.isEmpty()) throw new IllegalStateException("a toolchain error needs at least one diagnostic");
        this.diagnostics = List.copyOf(diagnostics);
    }

    public ToolchainException(Diagnostic d) {
        this(List.of(d));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** Every diagnostic, formatted, in order. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) sb.append(d.format());
        return sb.toString();
    }
}
