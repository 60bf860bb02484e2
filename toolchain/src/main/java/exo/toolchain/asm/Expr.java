package exo.toolchain.asm;

/**
 * An expression tree over 64-bit integers and symbols, and its parser (C precedence, from
 * {@code ||} down to unary {@code - ~ !}). Evaluation lives in {@link Assembler}, which knows
 * what each symbol means at the time of asking. {@code col} is the 0-based column for errors.
 */
abstract class Expr {
    final int col;

    Expr(int col) {
        this.col = col;
    }

    /** Column of the expression's first token; {@link #col} of a binary node is its operator's. */
    int start() {
        Expr e = this;
        while (e instanceof Binary) e = ((Binary) e).l;
        return e.col;
    }

    static final class Num extends Expr {
        final long value;

        Num(int col, long value) {
            super(col);
            this.value = value;
        }
    }

    /** A named symbol, or a numeric local label resolved to its hidden symbol at parse time. */
    static final class Ref extends Expr {
        final Sym sym;
        /** The text as written, for messages ("1f", "loop"). */
        final String written;

        Ref(int col, Sym sym, String written) {
            super(col);
            this.sym = sym;
            this.written = written;
        }
    }

    /** The address of the current statement: {@code .}. */
    static final class Dot extends Expr {
        Dot(int col) {
            super(col);
        }
    }

    static final class Unary extends Expr {
        final int op;
        final Expr e;

        Unary(int col, int op, Expr e) {
            super(col);
            this.op = op;
            this.e = e;
        }
    }

    static final class Binary extends Expr {
        final int op;
        final Expr l, r;

        Binary(int col, int op, Expr l, Expr r) {
            super(col);
            this.op = op;
            this.l = l;
            this.r = r;
        }
    }

    /** The upper or lower 16 bits of an address, as {@code la} needs them (HI16 / LO16 relocations). */
    static final class Half extends Expr {
        final boolean high;
        final Expr e;

        Half(boolean high, Expr e) {
            super(e.col);
            this.high = high;
            this.e = e;
        }
    }

    /**
     * Deepest nesting of parentheses and unary operators. Each level costs a dozen parser
     * frames, so this keeps the deepest parse far inside a small thread stack.
     */
    static final int MAX_DEPTH = 64;

    static String opName(int op) {
        switch (op) {
            case Lexer.SHL: return "<<";
            case Lexer.SHR: return ">>";
            case Lexer.LE: return "<=";
            case Lexer.GE: return ">=";
            case Lexer.EQ: return "==";
            case Lexer.NE: return "!=";
            case Lexer.LAND: return "&&";
            case Lexer.LOR: return "||";
            default: return String.valueOf((char) op);
        }
    }

    /** Resolves identifiers to symbols while parsing. */
    interface Names {
        Expr symbol(String name, int col);

        Sym numericLabel(long number, boolean forward, int col) throws AsmError;
    }

    /** Parses tokens [from, to) of lx as one expression. */
    static Expr parse(Lexer lx, int from, int to, Names names) throws AsmError {
        if (from >= to) throw new AsmError(lx.start[Math.min(from, lx.n - 1)], "expected an expression");
        Parser p = new Parser(lx, from, to, names);
        Expr e = p.binary(0);
        if (p.pos < to) throw new AsmError(lx.start[p.pos], "unexpected '" + lx.text(p.pos, p.pos + 1) + "' in expression");
        return e;
    }

    private static final class Parser {
        /** Binary operators by precedence level, lowest first. */
        private static final int[][] LEVELS = {
            {Lexer.LOR}, {Lexer.LAND}, {'|'}, {'^'}, {'&'}, {Lexer.EQ, Lexer.NE},
            {'<', '>', Lexer.LE, Lexer.GE}, {Lexer.SHL, Lexer.SHR}, {'+', '-'}, {'*', '/', '%'},
        };
        private final Lexer lx;
        private final int to;
        private final Names names;
        int pos;
        /** Nesting of parentheses and unary operators, bounded so no input can overflow the stack. */
        private int depth;

        Parser(Lexer lx, int from, int to, Names names) {
            this.lx = lx;
            this.pos = from;
            this.to = to;
            this.names = names;
        }

        Expr binary(int level) throws AsmError {
            if (level == LEVELS.length) return unary();
            Expr left = binary(level + 1);
            while (pos < to && lx.kind[pos] == Lexer.OP && in(LEVELS[level], (int) lx.num[pos])) {
                int op = (int) lx.num[pos];
                int col = lx.start[pos++];
                left = new Binary(col, op, left, binary(level + 1));
            }
            return left;
        }

        private static boolean in(int[] ops, int op) {
            for (int o : ops) if (o == op) return true;
            return false;
        }

        private void nest(int col) throws AsmError {
            if (++depth > MAX_DEPTH) throw new AsmError(col, "expression nested more than " + MAX_DEPTH + " levels deep");
        }

        Expr unary() throws AsmError {
            if (pos < to && lx.kind[pos] == Lexer.OP) {
                int op = (int) lx.num[pos];
                if (op == '-' || op == '~' || op == '!' || op == '+') {
                    int col = lx.start[pos++];
                    nest(col);
                    Expr e = unary();
                    depth--;
                    return op == '+' ? e : new Unary(col, op, e);
                }
            }
            return primary();
        }

        Expr primary() throws AsmError {
            if (pos >= to) throw new AsmError(pos < lx.n ? lx.start[pos] : lx.line.length(), "expression ends too early");
            int col = lx.start[pos];
            switch (lx.kind[pos]) {
                case Lexer.NUM:
                    return new Num(col, lx.num[pos++]);
                case Lexer.NUMREF: {
                    long number = lx.num[pos];
                    boolean forward = "f".equals(lx.val[pos]);
                    String written = lx.text(pos, pos + 1);
                    pos++;
                    return new Ref(col, names.numericLabel(number, forward, col), written);
                }
                case Lexer.IDENT: {
                    String name = (String) lx.val[pos++];
                    if (name.equals(".")) return new Dot(col);
                    return names.symbol(name, col);
                }
                case Lexer.OP:
                    if (lx.num[pos] == '(') {
                        nest(col);
                        pos++;
                        Expr e = binary(0);
                        depth--;
                        if (pos >= to || !lx.isOp(pos, ')')) throw new AsmError(pos < lx.n ? lx.start[Math.min(pos, to)] : col, "missing ')'");
                        pos++;
                        return e;
                    }
                    throw new AsmError(col, "expected a number or symbol, got '" + lx.text(pos, pos + 1) + "'");
                case Lexer.STRING:
                    throw new AsmError(col, "a string cannot be used as a number (use a character constant like 'a')");
                default:
                    throw new AsmError(col, "expression ends too early");
            }
        }
    }
}
