package exo.toolchain.asm;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import exo.emulator.isa.Register;
import exo.toolchain.Diagnostics;
import exo.toolchain.SourceFile;
import exo.toolchain.Suggest;
import exo.toolchain.ToolchainException;
import exo.toolchain.obj.InstructionSlots;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.SectionKind;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The assembler's first pass and its driver: reads lines from files, includes and macro
 * expansions, applies conditional assembly, defines labels, runs directives and parses
 * instructions, which {@link Encoder} encodes at once or after the last line. Symbols live in
 * {@link SymbolTable}; {@link ObjectBuilder} makes the object and {@link Listing} the listing.
 *
 * <p>This class is larger than most (about 800 lines) because directives, macros and
 * conditionals are one language whose rules share the state kept here: the line being read and
 * its tokens, the current section, the stack of files and expansions, the open conditionals.
 * Splitting it would pass all of that to every part.
 */
public final class Assembler {
    /** Macro expansions inside expansions beyond this are reported as runaway recursion. */
    static final int MAX_MACRO_DEPTH = 64;
    /**
     * Macro body lines one source may expand in all: nesting only 64 deep still lets each
     * level call the next twice (2^64 lines), so the total is bounded too. A million lines is
     * far beyond any real program (no library OS or example file expands more than about 200)
     * and takes well under a second.
     */
    static final int MAX_MACRO_LINES = 1_000_000;
    static final int MAX_INCLUDE_DEPTH = 32;
    /** Largest .space, so that a typo cannot ask for gigabytes. */
    static final int MAX_SPACE = 16 << 20;
    /**
     * Largest section with contents (all but .bss): its bytes are kept in memory here and
     * stored in the object, and a program cannot use more than the machine's memory (256 MiB
     * by default), so a quarter of that is ample and stops a runaway source at once.
     */
    static final int MAX_SECTION_BYTES = 64 << 20;

    private static final Expr.Num[] REGS = new Expr.Num[Register.COUNT];

    static {
        for (int i = 0; i < REGS.length; i++) REGS[i] = new Expr.Num(0, i);
    }

    /** The result of assembling: the object and, if asked for, a listing. */
    public record Result(ObjectFile object, String listing) {}

    private final Diagnostics diags = new Diagnostics();
    private final Lexer lx = new Lexer();
    private final Encoder enc = new Encoder();
    private final Section[] sections = new Section[SectionKind.ALL.length];
    private Section cur;
    private final SymbolTable table = new SymbolTable();
    /** How expressions resolve names: through the symbol table. */
    private final Expr.Names names = table;
    private final Map<String, Macro> macros = new HashMap<>();
    private final List<Stmt> deferred = new ArrayList<>();
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final ArrayDeque<Cond> conds = new ArrayDeque<>();
    private final Map<String, Integer> fileIndex = new HashMap<>();
    private final List<String> fileNames = new ArrayList<>();
    private final List<Listing.Entry> listed;
    private Loc loc;
    /** Column of the current statement's mnemonic: where errors about the whole statement point. */
    private int stmtCol;
    private int expansions;
    /** Macro body lines expanded so far, against {@link #MAX_MACRO_LINES}. */
    private long expandedLines;
    /** Non-null while collecting a macro body. */
    private Macro collecting;
    private int collectDepth;
    private Loc collectStart;

    private Assembler(boolean listing) {
        for (SectionKind k : SectionKind.ALL) sections[k.ordinal()] = new Section(k);
        cur = sections[SectionKind.TEXT.ordinal()];
        listed = listing ? new ArrayList<>() : null;
    }

    /** Assembles one source (with its includes) into an object named after objectName. */
    public static Result assemble(SourceFile source, String objectName, boolean listing) throws ToolchainException {
        Assembler a = new Assembler(listing);
        a.run(source);
        return new Result(a.object(objectName), listing ? Listing.format(a.listed) : null);
    }

    public static ObjectFile assemble(SourceFile source) throws ToolchainException {
        return assemble(source, source.name, false).object();
    }

    /**
     * RISC-V's names for instructions this ISA names otherwise, suggested when one is typed:
     * the nearest spelling of {@code ecall} is {@code call}, a different thing.
     */
    private static final Map<String, String> RISCV_MNEMONICS = Map.of("ecall", "syscall", "ebreak", "break");

    /** Every mnemonic the assembler accepts: the ISA table's and the pseudo-instructions'. */
    public static List<String> mnemonics() {
        List<String> out = new ArrayList<>();
        for (Opcode op : Opcode.values()) out.add(op.mnemonic);
        out.addAll(Pseudo.all().keySet());
        return out;
    }


    private abstract static class Frame {
        abstract Loc next();
    }

    private final class FileFrame extends Frame {
        final SourceFile file;
        final int condDepth;
        int line;

        FileFrame(SourceFile file) {
            this.file = file;
            this.condDepth = conds.size();
        }

        @Override
        Loc next() {
            if (line >= file.lineCount()) return null;
            line++;
            return new Loc(file, line, file.line(line), null, null);
        }
    }

    private static final class MacroFrame extends Frame {
        final List<Loc> lines;
        final int depth;
        int i;

        MacroFrame(List<Loc> lines, int depth) {
            this.lines = lines;
            this.depth = depth;
        }

        @Override
        Loc next() {
            return i < lines.size() ? lines.get(i++) : null;
        }
    }

    /** State of one .if: whether this branch assembles, and whether an earlier one did. */
    private static final class Cond {
        final Loc where;
        final boolean parentActive;
        boolean active;
        boolean taken;
        boolean sawElse;

        Cond(Loc where, boolean parentActive, boolean active) {
            this.where = where;
            this.parentActive = parentActive;
            this.active = active;
            this.taken = active;
        }
    }

    private void run(SourceFile root) throws ToolchainException {
        frames.push(new FileFrame(root));
        fileIndex(root);
        while (!frames.isEmpty() && !diags.full()) {
            Frame f = frames.peek();
            Loc l = f.next();
            if (l == null) {
                frames.pop();
                if (f instanceof FileFrame) endOfFile((FileFrame) f);
                continue;
            }
            loc = l;
            table.loc = l;
            line();
        }
        finish();
        diags.sortByPosition();
        diags.check();
    }

    private void endOfFile(FileFrame f) {
        if (collecting != null && frames.stream().noneMatch(x -> x instanceof FileFrame && ((FileFrame) x).file == collectStart.file)) {
            diags.report(collectStart.error(0, "macro '" + collecting.name() + "' has no .endm"));
            collecting = null;
        }
        while (conds.size() > f.condDepth) {
            Cond c = conds.pop();
            diags.report(c.where.error(0, ".if without .endif"));
        }
    }

    private boolean active() {
        return conds.isEmpty() || conds.peek().active;
    }

    private void error(int col, String message) {
        diags.report(loc.error(col, message));
    }

    private void line() {
        lx.lex(loc.text);
        if (collecting != null) {
            collectLine();
            return;
        }
        int t = 0;
        String first = lx.ident(0);
        if (first != null && first.startsWith(".if") || ".else".equals(first) || ".elseif".equals(first) || ".endif".equals(first)) {
            try {
                if (conditional(first)) return;
            } catch (AsmError e) {
                error(e.col, e.getMessage());
                return;
            }
        }
        if (!active()) return;
        if (lx.error != null) {
            error(lx.errorCol, lx.error);
            return;
        }
        try {
            while (lx.kind[t + 1] == Lexer.OP && lx.num[t + 1] == ':' && (lx.kind[t] == Lexer.IDENT || lx.kind[t] == Lexer.NUM)) {
                if (lx.kind[t] == Lexer.IDENT) table.defineLabel((String) lx.val[t], lx.start[t], cur);
                else table.defineNumeric(lx.num[t], lx.start[t], cur);
                t += 2;
            }
            if (lx.kind[t] == Lexer.EOL) return;
            String word = lx.ident(t);
            if (word == null) throw new AsmError(lx.start[t], "expected a label, directive or instruction, got '" + lx.text(t, t + 1) + "'");
            if (lx.isOp(t + 1, '=')) {
                define(word, lx.start[t], t + 2, true);
            } else if (word.startsWith(".")) {
                directive(word, t);
            } else {
                statement(word, t);
            }
        } catch (SymbolTable.Duplicate d) {
            diags.report(d.diagnostic(loc));
        } catch (AsmError e) {
            error(e.col, e.getMessage());
        }
    }


    /** Handles .if/.ifdef/.ifndef/.elseif/.else/.endif; returns false if first was not one. */
    private boolean conditional(String d) throws AsmError {
        switch (d) {
            case ".if": case ".ifdef": case ".ifndef": {
                boolean parent = active();
                boolean value = false;
                if (parent) {
                    if (lx.error != null) throw new AsmError(lx.errorCol, lx.error);
                    value = d.equals(".if") ? condition(1) : defined(d) == d.equals(".ifdef");
                }
                conds.push(new Cond(loc, parent, parent && value));
                return true;
            }
            case ".elseif": case ".else": {
                Cond c = conds.peek();
                if (c == null) throw new AsmError(lx.start[0], d + " without .if");
                if (c.sawElse) throw new AsmError(lx.start[0], d + " after .else (the .if is at " + c.where.where(0) + ")");
                if (d.equals(".else")) {
                    c.sawElse = true;
                    c.active = c.parentActive && !c.taken;
                    if (lx.kind[1] != Lexer.EOL) throw new AsmError(lx.start[1], ".else takes no operands");
                } else {
                    c.active = c.parentActive && !c.taken && condition(1);
                }
                c.taken |= c.active;
                return true;
            }
            case ".endif":
                if (conds.isEmpty()) throw new AsmError(lx.start[0], ".endif without .if");
                conds.pop();
                if (lx.kind[1] != Lexer.EOL) throw new AsmError(lx.start[1], ".endif takes no operands");
                return true;
            default:
                return false;
        }
    }

    private boolean condition(int t) throws AsmError {
        int end = endOfOperands(t);
        Long v = known(Expr.parse(lx, t, end, names));
        if (v == null) throw new AsmError(lx.start[t], ".if needs a constant defined before this line");
        return v != 0;
    }

    private boolean defined(String d) throws AsmError {
        String name = lx.ident(1);
        if (name == null || lx.kind[2] != Lexer.EOL) throw new AsmError(lx.start[1], d + " takes one symbol name");
        Sym s = table.get(name);
        return s != null && s.defined();
    }


    private void collectLine() {
        String first = lx.ident(0);
        if (".macro".equals(first)) {
            collectDepth++;
        } else if (".endm".equals(first)) {
            if (collectDepth-- == 0) {
                macros.put(collecting.name(), collecting);
                collecting = null;
                return;
            }
        }
        collecting.body().add(loc);
    }

    private void defineMacro(int t) throws AsmError {
        String name = lx.ident(t + 1);
        if (name == null) throw new AsmError(lx.start[t + 1], ".macro needs a name");
        if (Decoder.byMnemonic(name) != null || Pseudo.get(name) != null) throw new AsmError(lx.start[t + 1], "macro name '" + name + "' is already an instruction");
        if (macros.containsKey(name)) {
            throw new AsmError(lx.start[t + 1], "macro '" + name + "' is already defined (at " + macros.get(name).defined().where(0) + ")");
        }
        List<String> params = new ArrayList<>();
        List<String> defaults = new ArrayList<>();
        int i = t + 2;
        while (lx.kind[i] != Lexer.EOL) {
            String p = lx.ident(i);
            if (p == null) throw new AsmError(lx.start[i], "expected a parameter name, got '" + lx.text(i, i + 1) + "'");
            if (params.contains(p)) throw new AsmError(lx.start[i], "parameter '" + p + "' appears twice");
            params.add(p);
            i++;
            String def = null;
            if (lx.isOp(i, '=')) {
                int s = ++i;
                while (lx.kind[i] != Lexer.EOL && !lx.isOp(i, ',')) i++;
                def = lx.text(s, i);
            }
            defaults.add(def);
            if (lx.isOp(i, ',')) i++;
            else if (lx.kind[i] != Lexer.EOL) throw new AsmError(lx.start[i], "expected ',' between parameters");
        }
        collecting = new Macro(name, params, defaults, new ArrayList<>(), loc);
        collectDepth = 0;
        collectStart = loc;
    }

    private void expand(Macro m, int t) throws AsmError {
        int depth = frames.peek() instanceof MacroFrame ? ((MacroFrame) frames.peek()).depth + 1 : 1;
        if (depth > MAX_MACRO_DEPTH) throw new AsmError(lx.start[t], "macro '" + m.name() + "' expanded more than " + MAX_MACRO_DEPTH + " levels deep (recursive?)");
        String[] args = new String[m.params().size()];
        boolean named = false;
        int k = 0;
        for (int[] r : operands(t + 1)) {
            String p = lx.ident(r[0]);
            int idx = p != null && r[1] > r[0] + 1 && lx.isOp(r[0] + 1, '=') ? m.params().indexOf(p) : -1;
            if (idx >= 0) {
                named = true;
                if (args[idx] != null) throw new AsmError(lx.start[r[0]], "argument '" + p + "' given twice");
                args[idx] = lx.text(r[0] + 2, r[1]);
            } else {
                if (named) throw new AsmError(lx.start[r[0]], "positional argument after a named one");
                if (k >= args.length) throw new AsmError(lx.start[r[0]], "macro '" + m.name() + "' takes " + args.length + " argument" + (args.length == 1 ? "" : "s"));
                args[k++] = lx.text(r[0], r[1]);
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) args[i] = m.defaults().get(i);
            if (args[i] == null) throw new AsmError(lx.start[t], "macro '" + m.name() + "' needs argument '" + m.params().get(i) + "'");
        }
        if (expandedLines + m.body().size() > MAX_MACRO_LINES) {
            String chain = macroChain(m);
            // Abandon the runaway expansion, or each remaining call in it repeats this error.
            while (frames.peek() instanceof MacroFrame) frames.pop();
            throw new AsmError(lx.start[t], "macro expansion exceeds " + MAX_MACRO_LINES + " lines: " + chain);
        }
        expandedLines += m.body().size();
        int unique = expansions++;
        List<Loc> lines = new ArrayList<>(m.body().size());
        for (Loc b : m.body()) lines.add(new Loc(b.file, b.line, Macro.substitute(b.text, m, args, unique), loc, m.name()));
        frames.push(new MacroFrame(lines, depth));
    }


    /** The macros being expanded, outermost first, ending with m, which the current line calls. */
    private String macroChain(Macro m) {
        ArrayDeque<String> chain = new ArrayDeque<>();
        chain.push(m.name());
        for (Loc l = loc; l.caller != null; l = l.caller) chain.push(l.macro);
        return String.join(" -> ", chain);
    }

    /** .equ, .set and name = expr: constant now if possible, else kept and evaluated on use. */
    private void define(String name, int col, int t, boolean redefinable) throws AsmError {
        if (Register.parse(name) >= 0) throw new AsmError(col, "'" + name + "' is a register name");
        Sym s = table.symbol(name);
        if (!(redefinable && s.redefinable && s.kind == Sym.EQU)) table.checkNew(s, col);
        int end = endOfOperands(t);
        Expr e = Expr.parse(lx, t, end, names);
        s.kind = Sym.EQU;
        s.redefinable = redefinable;
        s.defLoc = loc;
        s.defCol = col;
        s.expr = e;
        s.exprLoc = loc;
        s.evaluating = false;
        enc.finalPass = false;
        enc.dotSection = cur;
        enc.dotOffset = cur.size;
        try {
            s.evaluating = true;
            s.value = enc.eval(e);
            s.base = enc.base;
            s.expr = null;
        } catch (AsmError err) {
            if (err != Encoder.NOT_YET) {
                // A broken value becomes 0 so that its uses do not repeat the error.
                s.expr = null;
                s.value = 0;
                s.base = null;
                throw err;
            }
            if (containsDot(e)) throw new AsmError(e.col, "'.' in a value that depends on later symbols");
        } finally {
            s.evaluating = false;
        }
    }

    /** Whether e mentions '.'; iterative, since a flat chain of operators is as deep as it is long. */
    private static boolean containsDot(Expr e) {
        ArrayDeque<Expr> todo = new ArrayDeque<>();
        todo.push(e);
        while (!todo.isEmpty()) {
            Expr x = todo.pop();
            if (x instanceof Expr.Dot) return true;
            if (x instanceof Expr.Unary) todo.push(((Expr.Unary) x).e);
            if (x instanceof Expr.Binary) {
                todo.push(((Expr.Binary) x).l);
                todo.push(((Expr.Binary) x).r);
            }
        }
        return false;
    }

    /** The value of e if it is a constant known at this point, else null. */
    Long known(Expr e) throws AsmError {
        enc.finalPass = false;
        enc.dotSection = cur;
        enc.dotOffset = cur.size;
        try {
            long v = enc.eval(e);
            return enc.base == null ? v : null;
        } catch (AsmError err) {
            if (err == Encoder.NOT_YET) return null;
            throw err;
        }
    }


    private void directive(String d, int t) throws AsmError {
        SectionKind k = SectionKind.ofDirective(d);
        if (k != null) {
            noOperands(d, t + 1);
            cur = sections[k.ordinal()];
            return;
        }
        switch (d) {
            case ".section": {
                String name = lx.ident(t + 1);
                SectionKind s = name == null ? null : SectionKind.ofDirective(name);
                if (s == null) throw new AsmError(lx.start[t + 1], ".section takes one of .text, .rodata, .data, .bss");
                noOperands(d, t + 2);
                cur = sections[s.ordinal()];
                return;
            }
            case ".globl": case ".global": case ".extern":
                for (int[] r : operands(t + 1)) {
                    String name = lx.ident(r[0]);
                    if (name == null || r[1] != r[0] + 1) throw new AsmError(lx.start[r[0]], d + " takes symbol names");
                    Sym s = table.symbol(name);
                    if (d.equals(".extern")) s.extern = true;
                    else s.global = true;
                    if (s.refLoc == null) {
                        s.refLoc = loc;
                        s.refCol = lx.start[r[0]];
                    }
                }
                return;
            case ".equ": case ".set": {
                String name = lx.ident(t + 1);
                if (name == null || !lx.isOp(t + 2, ',')) throw new AsmError(lx.start[t + 1], d + " takes a name, a comma and a value");
                define(name, lx.start[t + 1], t + 3, d.equals(".set"));
                return;
            }
            case ".byte": data(1, t); return;
            case ".half": data(2, t); return;
            case ".word": data(4, t); return;
            case ".ascii": case ".asciz": case ".string":
                notBss(d, t);
                for (int[] r : operands(t + 1)) {
                    if (lx.kind[r[0]] != Lexer.STRING || r[1] != r[0] + 1) throw new AsmError(lx.start[r[0]], d + " takes strings in double quotes");
                    byte[] b = (byte[]) lx.val[r[0]];
                    boolean z = !d.equals(".ascii");
                    int at = reserve(b.length + (z ? 1 : 0), lx.start[t]);
                    System.arraycopy(b, 0, cur.bytes, at, b.length);
                    if (z) cur.bytes[at + b.length] = 0;
                }
                return;
            case ".space": case ".zero": space(d, t); return;
            case ".align": case ".balign": align(d, t); return;
            case ".include": include(t); return;
            case ".macro": defineMacro(t); return;
            case ".endm": throw new AsmError(lx.start[t], ".endm without .macro");
            case ".error": {
                if (lx.kind[t + 1] != Lexer.STRING) throw new AsmError(lx.start[t + 1], ".error takes a message in double quotes");
                throw new AsmError(lx.start[t], new String((byte[]) lx.val[t + 1], java.nio.charset.StandardCharsets.UTF_8));
            }
            default: {
                throw new AsmError(lx.start[t], "unknown directive '" + d + "'" + Suggest.didYouMean(d, DIRECTIVES));
            }
        }
    }

    static final List<String> DIRECTIVES = List.of(".text", ".rodata", ".data", ".bss", ".section", ".globl", ".global",
            ".extern", ".equ", ".set", ".byte", ".half", ".word", ".ascii", ".asciz", ".string", ".space", ".zero", ".align",
            ".balign", ".include", ".macro", ".endm", ".if", ".ifdef", ".ifndef", ".elseif", ".else", ".endif", ".error");

    private void noOperands(String d, int t) throws AsmError {
        if (lx.kind[t] != Lexer.EOL) throw new AsmError(lx.start[t], d + " takes no operands");
    }

    private void notBss(String d, int t) throws AsmError {
        if (!cur.kind.hasBytes()) throw new AsmError(lx.start[t], d + " in .bss: only labels, .space and .align may appear there");
    }

    private void data(int width, int t) throws AsmError {
        notBss((String) lx.val[t], t);
        List<int[]> ops = operands(t + 1);
        if (ops.isEmpty()) throw new AsmError(lx.start[t], lx.val[t] + " needs at least one value");
        for (int[] r : ops) {
            Expr e = Expr.parse(lx, r[0], r[1], names);
            Stmt s = new Stmt(null, width, new Expr[] {e}, cur, reserve(width, lx.start[t]), loc, lx.start[t]);
            emit(s);
        }
    }

    private void space(String d, int t) throws AsmError {
        List<int[]> ops = operands(t + 1);
        if (ops.isEmpty() || ops.size() > 2) throw new AsmError(lx.start[t], d + " takes a size and an optional fill byte");
        long n = constantNow(ops.get(0), d + " size");
        if (n < 0 || n > MAX_SPACE) throw new AsmError(lx.start[ops.get(0)[0]], d + " size " + n + " out of range: allowed 0.." + MAX_SPACE);
        long fill = 0;
        if (ops.size() == 2) {
            fill = constantNow(ops.get(1), d + " fill");
            if (fill < -128 || fill > 255) throw new AsmError(lx.start[ops.get(1)[0]], d + " fill " + fill + " out of range: allowed -128..255");
            if (!cur.kind.hasBytes() && fill != 0) throw new AsmError(lx.start[ops.get(1)[0]], ".bss is always zero; a fill byte is not allowed there");
        }
        int at = reserve((int) n, lx.start[t]);
        if (cur.kind.hasBytes()) Arrays.fill(cur.bytes, at, at + (int) n, (byte) fill);
    }

    private void align(String d, int t) throws AsmError {
        List<int[]> ops = operands(t + 1);
        if (ops.size() != 1) throw new AsmError(lx.start[t], d + " takes one power of two (bytes)");
        long n = constantNow(ops.get(0), d + " boundary");
        if (n < 1 || n > ObjectFile.MAX_ALIGN || Long.bitCount(n) != 1) {
            throw new AsmError(lx.start[ops.get(0)[0]], d + " " + n + " is not a power of two in 1.." + ObjectFile.MAX_ALIGN);
        }
        cur.align = Math.max(cur.align, (int) n);
        int pad = (int) (-cur.size & (n - 1));
        reserve(pad, lx.start[t]);
    }

    private long constantNow(int[] r, String what) throws AsmError {
        Long v = known(Expr.parse(lx, r[0], r[1], names));
        if (v == null) throw new AsmError(lx.start[r[0]], what + " must be a constant defined before this line");
        return v;
    }

    private void include(int t) throws AsmError {
        if (lx.kind[t + 1] != Lexer.STRING || lx.kind[t + 2] != Lexer.EOL) throw new AsmError(lx.start[t + 1], ".include takes a file name in double quotes");
        String name = new String((byte[]) lx.val[t + 1], java.nio.charset.StandardCharsets.UTF_8);
        SourceFile f;
        try {
            f = loc.file.include(name);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new AsmError(lx.start[t + 1], "cannot find include file '" + name + "'");
        } catch (IOException | RuntimeException e) {
            throw new AsmError(lx.start[t + 1], "cannot read include file '" + name + "': " + e.getMessage());
        }
        List<String> chain = new ArrayList<>();
        int depth = 0;
        for (Frame fr : frames) {
            if (!(fr instanceof FileFrame)) continue;
            depth++;
            SourceFile s = ((FileFrame) fr).file;
            chain.add(0, s.name);
            if (s.identity().equals(f.identity())) {
                throw new AsmError(lx.start[t + 1], "include cycle: " + String.join(" includes ", chain) + " includes " + f.name);
            }
        }
        if (depth >= MAX_INCLUDE_DEPTH) throw new AsmError(lx.start[t + 1], "includes nested more than " + MAX_INCLUDE_DEPTH + " deep");
        fileIndex(f);
        frames.push(new FileFrame(f));
    }

    private int fileIndex(SourceFile f) {
        Integer i = fileIndex.get(f.identity());
        if (i == null) {
            i = fileNames.size();
            fileIndex.put(f.identity(), i);
            fileNames.add(f.name);
        }
        return i;
    }


    private void statement(String word, int t) throws AsmError {
        // Macros cannot have instruction names, so the order of these lookups does not matter;
        // the most common comes first.
        Opcode op = Decoder.byMnemonic(word);
        Pseudo p = op == null ? Pseudo.get(word) : null;
        if (op == null && p == null) {
            Macro m = macros.get(word);
            if (m != null) {
                expand(m, t);
                return;
            }
            List<String> all = mnemonics();
            all.addAll(macros.keySet());
            String lower = word.toLowerCase(java.util.Locale.ROOT);
            String near = RISCV_MNEMONICS.getOrDefault(lower, Suggest.nearest(lower, all));
            if (near == null && Decoder.byMnemonic(lower) != null) near = lower;
            throw new AsmError(lx.start[t], "unknown instruction '" + word + "'" + Suggest.phrase(near));
        }
        if (!cur.kind.hasBytes()) throw new AsmError(lx.start[t], "instruction in .bss: switch to .text first");
        stmtCol = lx.start[t];
        List<int[]> ops = operands(t + 1);
        if (op != null) real(op, ops, t);
        else pseudo(p, ops, t);
    }

    private void real(Opcode op, List<int[]> ops, int t) throws AsmError {
        List<Operand> want = op.format.operands;
        boolean optionalCode = want.size() == 1 && want.get(0) == Operand.CODE26;
        if (ops.size() != want.size() && !(optionalCode && ops.isEmpty())) {
            throw new AsmError(ops.size() > want.size() ? lx.start[ops.get(want.size())[0]] : lx.start[t], op.mnemonic + " takes " + want.size()
                    + " operand" + (want.size() == 1 ? "" : "s") + " (" + syntax(op) + "), got " + ops.size());
        }
        Expr[] slots = new Expr[InstructionSlots.of(op.format).length];
        int k = 0;
        for (int i = 0; i < want.size(); i++) {
            if (optionalCode && ops.isEmpty()) {
                slots[k++] = num(0);
                break;
            }
            int[] r = ops.get(i);
            switch (want.get(i)) {
                case RD: case RS1: case RS2: case RSA: case BRA: case BRB:
                    slots[k++] = reg(register(r));
                    break;
                case MEM: {
                    int close = r[1] - 1;
                    int open = close - 2;
                    if (open < r[0] || !lx.isOp(close, ')') || !lx.isOp(open, '(') || lx.kind[open + 1] != Lexer.IDENT) {
                        throw new AsmError(lx.start[r[0]], op.mnemonic + " needs a memory operand like 8(sp)");
                    }
                    slots[k++] = open == r[0] ? num(0) : Expr.parse(lx, r[0], open, names);
                    slots[k++] = reg(register(new int[] {open + 1, close}));
                    break;
                }
                case BRANCH16: case JUMP21:
                    slots[k++] = Expr.parse(lx, r[0], withoutAnnotation(r), names);
                    break;
                default:
                    slots[k++] = Expr.parse(lx, r[0], r[1], names);
            }
        }
        insn(op, slots);
    }

    /** Drops a trailing {@code <symbol>} annotation as the disassembler prints after targets. */
    private int withoutAnnotation(int[] r) {
        if (r[1] - r[0] >= 4 && lx.isOp(r[1] - 1, '>') && lx.kind[r[1] - 2] == Lexer.IDENT && lx.isOp(r[1] - 3, '<')) return r[1] - 3;
        return r[1];
    }

    static String syntax(Opcode op) {
        StringBuilder sb = new StringBuilder();
        for (Operand o : op.format.operands) sb.append(sb.length() == 0 ? "" : ", ").append(o.syntax);
        return sb.toString();
    }

    private void pseudo(Pseudo p, List<int[]> ops, int t) throws AsmError {
        String sig = p.signature;
        boolean list = sig.equals("l");
        if (list ? ops.isEmpty() : ops.size() != sig.length()) {
            int col = ops.size() > sig.length() && !list ? lx.start[ops.get(sig.length())[0]] : lx.start[t];
            throw new AsmError(col, p.name + " takes " + (list ? "one or more registers" : sig.length() + " operand" + (sig.length() == 1 ? "" : "s"))
                    + " (" + p.syntax + "), got " + ops.size());
        }
        Object[] v = new Object[list ? 1 : sig.length()];
        if (list) {
            int[] regs = new int[ops.size()];
            for (int i = 0; i < regs.length; i++) regs[i] = register(ops.get(i));
            v[0] = regs;
        } else {
            for (int i = 0; i < v.length; i++) {
                int[] r = ops.get(i);
                v[i] = sig.charAt(i) == 'r' ? (Object) register(r)
                        : Expr.parse(lx, r[0], sig.charAt(i) == 't' ? withoutAnnotation(r) : r[1], names);
            }
        }
        p.expansion.expand(this, v);
    }

    private int register(int[] r) throws AsmError {
        String name = lx.ident(r[0]);
        int reg = name == null ? -1 : Register.parse(name);
        if (reg < 0 || r[1] != r[0] + 1) {
            String got = lx.text(r[0], r[1]);
            String near = name == null ? null : meantRegister(name);
            throw new AsmError(lx.start[r[0]], "expected a register, got '" + got + "'" + Suggest.phrase(near));
        }
        return reg;
    }

    /** The register someone typing name probably meant: our rN for RISC-V's xN, else the nearest spelling. */
    private static String meantRegister(String name) {
        if (name.matches("x[0-9]{1,2}") && Register.parse("r" + name.substring(1)) >= 0) return "r" + name.substring(1);
        return Suggest.nearest(name, Register.allNames());
    }

    Expr reg(int r) {
        return REGS[r];
    }

    Expr num(long v) {
        return new Expr.Num(stmtCol, v);
    }

    /** Appends one real instruction to the current section; slots as in {@link Format#pack}. */
    void insn(Opcode op, Expr... slots) throws AsmError {
        emit(new Stmt(op, 4, slots, cur, reserve(4, stmtCol), loc, stmtCol));
    }

    private void emit(Stmt s) {
        try {
            if (!enc.encode(s)) deferred.add(s);
        } catch (AsmError e) {
            if (e == Encoder.NOT_YET) deferred.add(s);
            else diags.report(s.loc.error(e.col, e.getMessage()));
        } finally {
            enc.finalPass = false;
        }
    }

    /**
     * Reserves n bytes in the current section, first refusing (at column col) a section that
     * would outgrow what the object format holds, or {@link #MAX_SECTION_BYTES} if it has
     * contents: the location counter never wraps and no buffer grows past the limit.
     */
    private int reserve(int n, int col) throws AsmError {
        long end = (long) cur.size + n;
        if (end > ObjectFile.MAX_SECTION_SIZE) {
            throw new AsmError(col, cur.kind.directive + " would grow to " + end + " bytes; a section holds at most " + ObjectFile.MAX_SECTION_SIZE);
        }
        if (cur.kind.hasBytes() && end > MAX_SECTION_BYTES) {
            throw new AsmError(col, cur.kind.directive + " would grow to " + end + " bytes; a section with contents holds at most "
                    + MAX_SECTION_BYTES + " (64 MiB; only .bss may be larger)");
        }
        int at = cur.reserve(n);
        if (cur.kind.hasBytes() && n > 0) {
            Loc o = loc.outermost();
            cur.line(at, fileIndex(o.file), o.line);
            if (listed != null) listed.add(new Listing.Entry(cur, at, n, o));
        }
        return at;
    }

    /** Operand ranges [from, to) of tokens from t to the end of the line, split at top-level commas. */
    private List<int[]> operands(int t) throws AsmError {
        // One list and its ranges are reused for every line: callers finish with them before
        // the next line is read.
        List<int[]> out = operandList;
        out.clear();
        if (lx.kind[t] == Lexer.EOL) return out;
        int depth = 0, start = t;
        for (int i = t; ; i++) {
            if (lx.kind[i] == Lexer.EOL || depth == 0 && lx.isOp(i, ',')) {
                if (i == start) throw new AsmError(lx.start[i], "missing operand");
                if (out.size() == operandRanges.size()) operandRanges.add(new int[2]);
                int[] r = operandRanges.get(out.size());
                r[0] = start;
                r[1] = i;
                out.add(r);
                if (lx.kind[i] == Lexer.EOL) return out;
                start = i + 1;
            } else if (lx.isOp(i, '(')) {
                depth++;
            } else if (lx.isOp(i, ')')) {
                depth--;
            }
        }
    }

    private final List<int[]> operandList = new ArrayList<>();
    private final List<int[]> operandRanges = new ArrayList<>();

    private int endOfOperands(int t) {
        int i = t;
        while (lx.kind[i] != Lexer.EOL) i++;
        return i;
    }


    private void finish() {
        if (collecting != null) diags.report(collectStart.error(0, "macro '" + collecting.name() + "' has no .endm"));
        enc.finalPass = true;
        for (Stmt s : deferred) {
            if (diags.full()) break;
            try {
                enc.encode(s);
            } catch (AsmError e) {
                diags.report(s.loc.error(e.col, e.getMessage() + (e.getMessage().startsWith("undefined symbol") ? hint(e.getMessage()) : "")));
            }
        }
        for (Sym s : table.all()) {
            if (s.kind == Sym.EQU && s.expr != null) {
                loc = s.exprLoc;
                table.loc = loc;
                s.evaluating = true;
                try {
                    s.value = enc.eval(s.expr);
                    s.base = enc.base;
                } catch (AsmError e) {
                    diags.report(s.exprLoc.error(e.col, e.getMessage()));
                    s.value = 0;
                    s.base = null;
                } finally {
                    s.evaluating = false;
                }
                s.expr = null;
            }
        }
    }

    private String hint(String message) {
        int a = message.indexOf('\''), b = message.lastIndexOf('\'');
        return a < 0 || b <= a ? "" : table.hintForUndefined(message.substring(a + 1, b));
    }

    private ObjectFile object(String name) throws ToolchainException {
        ObjectFile o = ObjectBuilder.build(name, sections, table.all(), fileNames, this::fileIndex, diags);
        diags.check();
        return o;
    }
}
