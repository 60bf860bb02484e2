package exo.toolchain.asm;

import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import exo.toolchain.obj.InstructionSlots;
import exo.toolchain.obj.RelocKind;

/**
 * Evaluates expressions and turns statements into bytes and relocations. A value is an integer
 * plus a base: null for a constant, a section's symbol for a label (so labels of one section
 * subtract to a constant), or an external symbol. In the first pass a symbol not yet defined
 * makes evaluation stop with {@link #NOT_YET} and the statement waits for the second pass.
 */
final class Encoder {
    /** Thrown (preallocated, no stack trace) when a value depends on a symbol not defined yet. */
    static final AsmError NOT_YET = new AsmError(0, "not yet defined");

    /** Second pass: undefined symbols are external if declared so, errors otherwise. */
    boolean finalPass;
    Section dotSection;
    int dotOffset;
    /** Operand values of the instruction being encoded; {@link Format#pack} reads only its own slots. */
    private final int[] slotValues = new int[4];
    /** Base of the last {@link #eval} result; null for a constant. */
    Sym base;

    /** A symbol whose value depends on itself; reported once, where the loop closes. */
    static final class Cycle extends AsmError {
        Cycle(int col, String message) {
            super(col, message);
        }
    }

    /**
     * Evaluation depth, bounded so that no expression (a chain of a thousand additions, a
     * symbol defined through symbols) can overflow the host stack.
     */
    static final int MAX_EVAL_DEPTH = 200;
    private int evalDepth;

    long eval(Expr e) throws AsmError {
        if (e instanceof Expr.Num) {
            base = null;
            return ((Expr.Num) e).value;
        }
        if (++evalDepth > MAX_EVAL_DEPTH) {
            evalDepth = 0;
            throw new AsmError(e.start(), "expression too complex: more than " + MAX_EVAL_DEPTH + " operators and symbols deep");
        }
        try {
            return node(e);
        } finally {
            if (evalDepth > 0) evalDepth--;
        }
    }

    private long node(Expr e) throws AsmError {
        if (e instanceof Expr.Num) {
            base = null;
            return ((Expr.Num) e).value;
        }
        if (e instanceof Expr.Ref) return symbol((Expr.Ref) e);
        if (e instanceof Expr.Dot) {
            base = dotSection.sym;
            return dotOffset;
        }
        if (e instanceof Expr.Unary) {
            Expr.Unary u = (Expr.Unary) e;
            long v = eval(u.e);
            if (base != null) throw new AsmError(u.col, "operator '" + Expr.opName(u.op) + "' needs a constant, but its operand is an address");
            return u.op == '-' ? -v : u.op == '~' ? ~v : (v == 0 ? 1 : 0);
        }
        if (e instanceof Expr.Binary) return binary((Expr.Binary) e);
        throw new IllegalStateException("expression node " + e.getClass().getSimpleName() + " outside an instruction operand");
    }

    private long symbol(Expr.Ref r) throws AsmError {
        Sym s = r.sym;
        switch (s.kind) {
            case Sym.LABEL:
                base = s.section.sym;
                return s.value;
            case Sym.SECTION:
                base = s;
                return 0;
            case Sym.EQU:
                if (s.expr == null) {
                    base = s.base;
                    return s.value;
                }
                if (s.evaluating) throw new Cycle(r.col, "'" + s.name + "' is defined in terms of itself");
                s.evaluating = true;
                try {
                    long v = eval(s.expr);
                    s.expr = null;
                    s.value = v;
                    s.base = base;
                    return v;
                } catch (AsmError err) {
                    if (err == NOT_YET) throw err;
                    if (err instanceof Cycle) throw new Cycle(r.col, err.getMessage());
                    if (err.getMessage().startsWith("in the value of")) throw new AsmError(r.col, err.getMessage());
                    throw new AsmError(r.col, "in the value of '" + s.name + "' (" + s.exprLoc.where(err.col) + "): " + err.getMessage());
                } finally {
                    s.evaluating = false;
                }
            default:
                if (!finalPass) throw NOT_YET;
                if (s.hidden) throw new AsmError(r.col, "local label " + r.written + " has no later '" + s.name.substring(0, s.name.indexOf('\u0001')) + ":'");
                if (s.extern || s.global) {
                    base = s;
                    return 0;
                }
                throw new AsmError(r.col, "undefined symbol '" + s.name + "'");
        }
    }

    private long binary(Expr.Binary b) throws AsmError {
        long l = eval(b.l);
        Sym lb = base;
        long r = eval(b.r);
        Sym rb = base;
        if (b.op == '+') {
            if (lb != null && rb != null) throw new AsmError(b.col, "cannot add two addresses");
            base = lb != null ? lb : rb;
            return l + r;
        }
        if (b.op == '-') {
            if (rb == null) {
                base = lb;
                return l - r;
            }
            if (lb == rb) {
                base = null;
                return l - r;
            }
            if (lb == null) throw new AsmError(b.col, "cannot subtract an address from a constant");
            throw new AsmError(b.col, "the difference of " + describe(lb) + " and " + describe(rb) + " is not a constant");
        }
        if (lb != null || rb != null) {
            throw new AsmError(b.col, "operator '" + Expr.opName(b.op) + "' needs constants, but an operand is an address");
        }
        base = null;
        switch (b.op) {
            case '*': return l * r;
            case '/':
            case '%':
                if (r == 0) throw new AsmError(b.col, "division by zero in expression");
                return b.op == '/' ? l / r : l % r;
            case Lexer.SHL:
            case Lexer.SHR:
                if (r < 0 || r > 63) throw new AsmError(b.col, "shift count " + r + " out of range: allowed 0..63");
                return b.op == Lexer.SHL ? l << r : l >> r;
            case '&': return l & r;
            case '|': return l | r;
            case '^': return l ^ r;
            case '<': return l < r ? 1 : 0;
            case '>': return l > r ? 1 : 0;
            case Lexer.LE: return l <= r ? 1 : 0;
            case Lexer.GE: return l >= r ? 1 : 0;
            case Lexer.EQ: return l == r ? 1 : 0;
            case Lexer.NE: return l != r ? 1 : 0;
            case Lexer.LAND: return l != 0 && r != 0 ? 1 : 0;
            case Lexer.LOR: return l != 0 || r != 0 ? 1 : 0;
            default: throw new IllegalStateException("operator " + b.op);
        }
    }

    private static String describe(Sym s) {
        return s.kind == Sym.SECTION ? "a label in " + s.name : "'" + s.name + "'";
    }

    /**
     * Encodes s into its section. Returns false if it must wait for the second pass; in the
     * second pass it always completes or throws.
     */
    boolean encode(Stmt s) throws AsmError {
        dotSection = s.section;
        dotOffset = s.offset;
        if (s.op == null) return data(s);
        Opcode op = s.op;
        Operand[] kinds = InstructionSlots.of(op.format);
        int[] v = slotValues;
        java.util.Arrays.fill(v, 0);
        PendingReloc reloc = null;
        for (int i = 0; i < kinds.length; i++) {
            Expr e = s.slots[i];
            switch (kinds[i]) {
                case RD: case RS1: case RS2: case RSA: case BRA: case BRB:
                    v[i] = (int) ((Expr.Num) e).value;
                    break;
                case SIMM16: case UIMM16: {
                    if (e instanceof Expr.Half) {
                        Expr.Half h = (Expr.Half) e;
                        long x = eval(h.e);
                        checkWord(x, h.e, "address");
                        if (base == null) {
                            v[i] = (int) (h.high ? (x >>> 16) & 0xFFFF : x & 0xFFFF);
                        } else {
                            reloc = new PendingReloc(s.offset, h.high ? RelocKind.HI16 : RelocKind.LO16, base, x, s.loc, h.e.col);
                        }
                        break;
                    }
                    boolean signed = kinds[i] == Operand.SIMM16;
                    v[i] = (int) constant(e, signed ? -32768 : 0, signed ? 32767 : 65535, op.mnemonic, signed && op.format != Format.I ? "offset" : "immediate");
                    break;
                }
                case SHAMT:
                    v[i] = (int) constant(e, 0, 31, op.mnemonic, "shift amount");
                    break;
                case CODE26:
                    v[i] = (int) constant(e, 0, (1 << 26) - 1, op.mnemonic, "code");
                    break;
                case BRANCH16: case JUMP21: {
                    boolean branch = kinds[i] == Operand.BRANCH16;
                    long x = eval(e);
                    if (base == s.section.sym) {
                        long off = x - s.offset;
                        checkTarget(e, off, branch, op);
                        v[i] = (int) off;
                    } else {
                        if (base == null) {
                            checkWord(x, e, "target address");
                            if ((x & 3) != 0) throw new AsmError(e.start(), "target address 0x" + Long.toHexString(x & 0xFFFFFFFFL) + " is not a multiple of 4");
                        }
                        reloc = new PendingReloc(s.offset, branch ? RelocKind.BRANCH16 : RelocKind.JUMP21, base, x, s.loc, e.col);
                    }
                    break;
                }
                default:
                    throw new IllegalStateException("operand slot " + kinds[i]);
            }
        }
        s.section.put32(s.offset, op.encode(v));
        if (reloc != null) s.section.relocations.add(reloc);
        return true;
    }

    private boolean data(Stmt s) throws AsmError {
        Expr e = s.slots[0];
        long x = eval(e);
        if (base != null) {
            if (s.width != 4) {
                throw new AsmError(e.start(), (s.width == 1 ? ".byte" : ".half") + " needs a constant, but this is an address (only .word can hold one)");
            }
            checkWord(x, e, "address");
            s.section.relocations.add(new PendingReloc(s.offset, RelocKind.ABS32, base, x, s.loc, e.start()));
            return true;
        }
        long lo = s.width == 4 ? Integer.MIN_VALUE : -(1L << (8 * s.width - 1));
        long hi = (1L << (8 * s.width)) - 1;
        if (x < lo || x > hi) {
            throw new AsmError(e.start(), "value " + x + " out of range for " + (s.width == 1 ? ".byte" : s.width == 2 ? ".half" : ".word") + ": allowed " + lo + ".." + hi);
        }
        if (s.width == 1) s.section.put8(s.offset, (int) x);
        else if (s.width == 2) s.section.put16(s.offset, (int) x);
        else s.section.put32(s.offset, (int) x);
        return true;
    }

    /** A constant operand in [lo, hi]; addresses and out-of-range values are errors naming both. */
    long constant(Expr e, long lo, long hi, String mnemonic, String what) throws AsmError {
        long x = eval(e);
        if (base != null) throw new AsmError(e.start(), mnemonic + " needs a constant " + what + ", but this is an address (use la to load an address)");
        if (x < lo || x > hi) throw new AsmError(e.start(), what + " " + x + " out of range for " + mnemonic + ": allowed " + lo + ".." + hi);
        return x;
    }

    private static void checkWord(long x, Expr e, String what) throws AsmError {
        if (x < Integer.MIN_VALUE || x > 0xFFFFFFFFL) throw new AsmError(e.start(), what + " " + x + " does not fit in 32 bits");
    }

    private static void checkTarget(Expr e, long off, boolean branch, Opcode op) throws AsmError {
        long limit = branch ? 1L << 17 : 1L << 22;
        if ((off & 3) != 0) throw new AsmError(e.start(), "target of " + op.mnemonic + " is " + off + " bytes away, not a multiple of 4");
        if (off < -limit || off > limit - 4) {
            String name = e instanceof Expr.Ref ? "'" + ((Expr.Ref) e).written + "'" : "target";
            throw new AsmError(e.start(), (branch ? "branch" : "jump") + " target " + name + " out of range: offset " + off + " bytes, allowed " + -limit + ".." + (limit - 4));
        }
    }
}
