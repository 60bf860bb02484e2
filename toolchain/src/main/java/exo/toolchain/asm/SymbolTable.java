package exo.toolchain.asm;

import exo.emulator.isa.Register;
import exo.toolchain.Diagnostic;
import exo.toolchain.Suggest;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The symbols of one assembly, in order of first appearance, and the numeric local labels.
 * The n-th definition of {@code 1:} is the hidden symbol {@code "1\u00011"}... so {@code 1b} and
 * {@code 1f} resolve, when parsed, to the definition before or after the current line.
 */
final class SymbolTable implements Expr.Names {
    static final char HIDDEN = '\u0001';

    private final Map<String, Sym> symbols = new LinkedHashMap<>();
    private final Map<Long, Integer> numericDefs = new HashMap<>();
    /** The line being read: recorded as the first reference of symbols not yet defined. */
    Loc loc;

    /** A second definition of a symbol; carries the first so the message can name both places. */
    static final class Duplicate extends AsmError {
        final Sym first;

        Duplicate(int col, String message, Sym first) {
            super(col, message);
            this.first = first;
        }

        /** The error at loc with a note at the first definition. */
        Diagnostic diagnostic(Loc loc) {
            return loc.error(col, getMessage()).withNote(
                    Diagnostic.note(first.defLoc.file.name, first.defLoc.line, first.defCol + 1, "first defined here", first.defLoc.text));
        }
    }

    Sym get(String name) {
        return symbols.get(name);
    }

    Collection<Sym> all() {
        return symbols.values();
    }

    /** The symbol with this name, created undefined if new. */
    Sym symbol(String name) {
        Sym s = symbols.get(name);
        if (s == null) {
            s = new Sym(name, false);
            symbols.put(name, s);
        }
        return s;
    }

    @Override
    public Expr symbol(String name, int col) {
        Sym s = symbol(name);
        // A .set symbol is read at this line: later redefinitions must not change this use.
        if (s.kind == Sym.EQU && s.redefinable && s.expr == null && s.base == null) return new Expr.Num(col, s.value);
        noteReference(s, col);
        return new Expr.Ref(col, s, name);
    }

    @Override
    public Sym numericLabel(long number, boolean forward, int col) throws AsmError {
        int defs = numericDefs.getOrDefault(number, 0);
        if (!forward && defs == 0) throw new AsmError(col, "local label " + number + "b has no earlier '" + number + ":'");
        Sym s = symbols.computeIfAbsent(number + "" + HIDDEN + (forward ? defs : defs - 1), n -> new Sym(n, true));
        noteReference(s, col);
        return s;
    }

    private void noteReference(Sym s, int col) {
        if (!s.defined() && s.refLoc == null) {
            s.refLoc = loc;
            s.refCol = col;
        }
    }

    /** Fails if s is defined and may not be defined again (only .set symbols may). */
    void checkNew(Sym s, int col) throws Duplicate {
        if (s.defined() && !(s.kind == Sym.EQU && s.redefinable)) {
            String shown = s.hidden ? "local label " + s.name.substring(0, s.name.indexOf(HIDDEN)) : "symbol '" + s.name + "'";
            throw new Duplicate(col, shown + " is already defined", s);
        }
    }

    /** Defines name as the current end of section. */
    void defineLabel(String name, int col, Section section) throws AsmError {
        if (Register.parse(name) >= 0) throw new AsmError(col, "'" + name + "' is a register name and cannot be a label");
        Sym s = symbol(name);
        checkNew(s, col);
        label(s, col, section);
    }

    /** Defines the next instance of numeric label n as the current end of section. */
    void defineNumeric(long n, int col, Section section) {
        int defs = numericDefs.getOrDefault(n, 0);
        Sym s = symbols.computeIfAbsent(n + "" + HIDDEN + defs, k -> new Sym(k, true));
        numericDefs.put(n, defs + 1);
        label(s, col, section);
    }

    private void label(Sym s, int col, Section section) {
        s.kind = Sym.LABEL;
        s.section = section;
        s.value = section.size;
        s.defLoc = loc;
        s.defCol = col;
    }

    /** "; did you mean 'x'?" for an undefined name close to a defined one, else a hint to declare it. */
    String hintForUndefined(String name) {
        TreeSet<String> defined = new TreeSet<>();
        for (Sym s : symbols.values()) if (s.defined() && !s.hidden) defined.add(s.name);
        String hint = Suggest.didYouMean(name, defined);
        return !hint.isEmpty() ? hint : " (declare it with .extern if another file defines it)";
    }
}
