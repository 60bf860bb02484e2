package exo.toolchain.asm;

/**
 * A symbol while assembling. A label has a section and an offset; an {@code .equ} has a value
 * relative to {@link #base} (null for a constant), or, while its expression still refers to
 * labels not yet seen, the expression itself. Every section has a symbol standing for its start,
 * which is the base of every label value, so that "same section" is "same base".
 */
final class Sym {
    static final int UNDEFINED = 0, LABEL = 1, EQU = 2, SECTION = 3;

    final String name;
    /** Numeric local labels and section symbols are never written to the symbol table. */
    final boolean hidden;
    int kind;
    Section section;
    long value;
    Sym base;
    Expr expr;
    /** Where the deferred {@link #expr} was written, for its errors. */
    Loc exprLoc;
    boolean global;
    boolean extern;
    boolean evaluating;
    /** Set by .set: may be defined again. */
    boolean redefinable;
    Loc defLoc;
    int defCol;
    Loc refLoc;
    int refCol;
    /** Index in the object's symbol table, or -1. */
    int index = -1;

    Sym(String name, boolean hidden) {
        this.name = name;
        this.hidden = hidden;
    }

    boolean defined() {
        return kind != UNDEFINED;
    }
}
