package exo.toolchain.asm;

import exo.toolchain.Diagnostic;
import exo.toolchain.SourceFile;

/**
 * Where a statement came from: a line of a file, or a line of a macro body as expanded at a
 * call (then {@link #text} is the expanded text and {@link #caller} the call's location).
 */
final class Loc {
    final SourceFile file;
    final int line;
    final String text;
    final Loc caller;
    final String macro;

    Loc(SourceFile file, int line, String text, Loc caller, String macro) {
        this.file = file;
        this.line = line;
        this.text = text;
        this.caller = caller;
        this.macro = macro;
    }

    /** The location the user wrote: the outermost macro call, or this line. */
    Loc outermost() {
        Loc l = this;
        while (l.caller != null) l = l.caller;
        return l;
    }

    /** A diagnostic at 0-based column col, with a note for each macro expansion it is inside. */
    Diagnostic error(int col, String message) {
        Diagnostic d = Diagnostic.error(file.name, line, col + 1, message, text);
        for (Loc l = this; l.caller != null; l = l.caller) {
            d = d.withNote(Diagnostic.note(l.caller.file.name, l.caller.line, 0, "in expansion of macro '" + l.macro + "'", null));
        }
        return d;
    }

    String where(int col) {
        return file.name + ":" + line + ":" + (col + 1);
    }
}
