package exo.toolchain;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects errors so a tool can report all of them (up to {@link #LIMIT}) instead of stopping at
 * the first. {@link #check()} throws once at the end of a phase if anything was reported.
 */
public final class Diagnostics {
    /** Errors kept before giving up; more than this is rarely useful and hides nothing new. */
    public static final int LIMIT = 50;

    private final List<Diagnostic> list = new ArrayList<>();
    private int errors;

    public void report(Diagnostic d) {
        if (d.severity().equals("error")) errors++;
        if (list.size() < LIMIT) list.add(d);
        else if (list.size() == LIMIT) list.add(Diagnostic.note(d.file(), 0, 0, "too many errors; stopping", null));
    }

    /** Whether the error limit has been reached, so the caller may stop early. */
    public boolean full() {
        return list.size() > LIMIT;
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public int errorCount() {
        return errors;
    }

    /**
     * Orders the errors of one file by position (a second pass finds some late), keeping
     * files in the order they first appear and the "too many errors" note last.
     */
    public void sortByPosition() {
        List<String> files = new ArrayList<>();
        for (Diagnostic d : list) if (!files.contains(d.file())) files.add(d.file());
        int n = list.size() > LIMIT ? LIMIT : list.size();
        list.subList(0, n).sort(java.util.Comparator.comparingInt((Diagnostic d) -> files.indexOf(d.file()))
                .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::col));
    }

    /** Throws a {@link ToolchainException} with everything reported, if any error was. */
    public void check() throws ToolchainException {
        if (errors > 0) throw new ToolchainException(list);
    }
}
