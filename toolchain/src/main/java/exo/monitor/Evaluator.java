package exo.monitor;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.RegisterCompare;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.function.ToIntFunction;

/**
 * The monitor's one expression language, for {@code print}, {@code x}, {@code display} and
 * breakpoint conditions: {@link #parse} reads the text once into an {@link Expr}, a tree of
 * nodes that {@link Expr#eval} computes against the state as it stands at each call (so a
 * condition is parsed when its breakpoint is set, not at every hit). Integers (decimal, 0x hex,
 * 0b binary, 'c'), registers ({@code a0}, {@code $a0}, {@code pc}, {@code $pc}, control
 * registers {@code epc cause badvaddr}, and {@code instret cycles asid}), symbols, {@code *expr}
 * (the word at a virtual address), parentheses, and C's operators
 * {@code ~ ! - * / % + - << >> < <= > >= == != & ^ | && ||} with C precedence. Values are
 * 32-bit; {@code &&} and {@code ||} evaluate their right operand only when the left does not
 * decide, as C's do.
 *
 * <p>Errors the text alone decides (syntax, a name that is neither register nor symbol, a
 * number too large, a division by a constant zero) are thrown by {@link #parse}; those the state
 * decides (an unmapped or misaligned {@code *addr}, a division by zero, a register a selected
 * frame does not know) by {@link Expr#eval}. A name that is both a register and a symbol is the
 * symbol unless written with {@code $}.
 */
final class Evaluator {
    /** A bad expression, with the message the user sees. */
    static final class Error extends Exception {
        Error(String message) {
            super(message);
        }
    }

    /** Where register values come from: the CPU, or a frame the user selected. */
    interface Registers {
        /** General register r; throws if it is unknown here. */
        int general(int r) throws Error;

        int pc() throws Error;
    }

    /** A parsed expression, evaluated against a target's current state. */
    @FunctionalInterface
    interface Expr {
        int eval(DebugTarget target, Registers registers) throws Error;
    }

    /** A number, a symbol's address, or an operator over constants, computed when parsed. */
    private record Const(int value) implements Expr {
        @Override
        public int eval(DebugTarget target, Registers registers) {
            return value;
        }
    }

    private final String s;
    private final DebugInfo info;
    private int pos;

    private Evaluator(String s, DebugInfo info) {
        this.s = s;
        this.info = info;
    }

    /** Parses text, resolving symbols through info; throws the errors the text alone decides. */
    static Expr parse(String text, DebugInfo info) throws Error {
        Evaluator e = new Evaluator(text, info);
        Expr x = e.binary(0);
        e.skip();
        if (e.pos < e.s.length()) throw new Error("unexpected '" + e.s.substring(e.pos) + "' in expression");
        return x;
    }

    /** The CPU's registers (frame 0 of the running code). */
    static Registers machineRegisters(DebugTarget target) {
        Cpu cpu = target.machine().cpu;
        return new Registers() {
            @Override
            public int general(int r) {
                return cpu.regs[r];
            }

            @Override
            public int pc() {
                return cpu.pc;
            }
        };
    }

    static int eval(String text, DebugTarget target, Registers registers) throws Error {
        return parse(text, target.debugInfo()).eval(target, registers);
    }

    private static final String[][] LEVELS = {
        {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
    };

    private Expr binary(int level) throws Error {
        if (level == LEVELS.length) return unary();
        Expr left = binary(level + 1);
        while (true) {
            String op = operator(LEVELS[level]);
            if (op == null) return left;
            Expr right = binary(level + 1);
            left = binaryNode(op, left, right);
        }
    }

    private String operator(String[] ops) {
        skip();
        for (String op : ops) {
            if (s.startsWith(op, pos)) {
                // Do not take "|" out of "||", "&" out of "&&", "<" out of "<<", ">" out of ">>".
                if (op.length() == 1 && pos + 1 < s.length() && s.charAt(pos + 1) == op.charAt(0)) continue;
                pos += op.length();
                return op;
            }
        }
        return null;
    }

    /** The operation of a binary operator on its operands' values. */
    @FunctionalInterface
    private interface Op {
        int apply(int a, int b) throws Error;
    }

    /** The node for a binary operator; computed now if both operands are constants (a constant division by zero is an error of the text). */
    private static Expr binaryNode(String op, Expr left, Expr right) throws Error {
        Op f = operation(op);
        if (left instanceof Const a && right instanceof Const b) return new Const(f.apply(a.value(), b.value()));
        return new Binary(op, f, left, right);
    }

    private record Binary(String op, Op f, Expr left, Expr right) implements Expr {
        @Override
        public int eval(DebugTarget t, Registers r) throws Error {
            int a = left.eval(t, r);
            // && and || as C's: the right operand is not evaluated when the left decides, so
            // "a0 != 0 && *a0 == 5" never reads address 0
            if (op.equals("&&") && a == 0) return 0;
            if (op.equals("||") && a != 0) return 1;
            return f.apply(a, right.eval(t, r));
        }
    }

    /** A general register of the selected frame. */
    private record General(int register) implements Expr {
        @Override
        public int eval(DebugTarget t, Registers r) throws Error {
            return r.general(register);
        }
    }

    /** The word at a virtual address. */
    private record Deref(Expr address) implements Expr {
        @Override
        public int eval(DebugTarget t, Registers r) throws Error {
            return deref(address.eval(t, r), t);
        }
    }

    /**
     * Comparisons of a general register with a constant that hold wherever x, evaluated with
     * the CPU's registers, is non-zero: those joined by {@code &&} at its top (an empty array if
     * there are none). Null if x may fail to evaluate (a {@code *addr}, a division by a
     * register), since a condition that fails counts as true wherever it fails. A debugger
     * hands them to the machine, whose translated code tests them before asking.
     */
    static RegisterCompare[] necessary(Expr x) {
        if (!total(x)) return null;
        List<RegisterCompare> out = new ArrayList<>();
        collect(x, out);
        return out.toArray(new RegisterCompare[0]);
    }

    /** Whether x always evaluates with the CPU's registers (no memory, no division by a non-constant). */
    private static boolean total(Expr x) {
        if (x instanceof Deref) return false;
        if (x instanceof Unary u) return total(u.operand());
        if (x instanceof Binary b) {
            boolean divides = b.op().equals("/") || b.op().equals("%");
            if (divides && !(b.right() instanceof Const c && c.value() != 0)) return false;
            return total(b.left()) && total(b.right());
        }
        return true; // a constant or a register
    }

    private static void collect(Expr x, List<RegisterCompare> out) {
        if (!(x instanceof Binary b)) return;
        if (b.op().equals("&&")) {
            collect(b.left(), out);
            collect(b.right(), out);
            return;
        }
        RegisterCompare.Relation r = RELATIONS.get(b.op());
        if (r == null) return;
        if (b.left() instanceof General g && b.right() instanceof Const c) out.add(new RegisterCompare(g.register(), r, c.value()));
        else if (b.left() instanceof Const c && b.right() instanceof General g) out.add(new RegisterCompare(g.register(), r.mirrored(), c.value()));
    }

    private static final Map<String, RegisterCompare.Relation> RELATIONS = Map.of("==", RegisterCompare.Relation.EQ,
            "!=", RegisterCompare.Relation.NE, "<", RegisterCompare.Relation.LT, "<=", RegisterCompare.Relation.LE,
            ">", RegisterCompare.Relation.GT, ">=", RegisterCompare.Relation.GE);

    private static Op operation(String op) {
        switch (op) {
            case "||": return (a, b) -> (a != 0 || b != 0) ? 1 : 0;
            case "&&": return (a, b) -> (a != 0 && b != 0) ? 1 : 0;
            case "|": return (a, b) -> a | b;
            case "^": return (a, b) -> a ^ b;
            case "&": return (a, b) -> a & b;
            case "==": return (a, b) -> a == b ? 1 : 0;
            case "!=": return (a, b) -> a != b ? 1 : 0;
            case "<": return (a, b) -> a < b ? 1 : 0;
            case "<=": return (a, b) -> a <= b ? 1 : 0;
            case ">": return (a, b) -> a > b ? 1 : 0;
            case ">=": return (a, b) -> a >= b ? 1 : 0;
            case "<<": return (a, b) -> a << (b & 31);
            case ">>": return (a, b) -> a >> (b & 31);
            case "+": return (a, b) -> a + b;
            case "-": return (a, b) -> a - b;
            case "*": return (a, b) -> a * b;
            case "/": return (a, b) -> {
                if (b == 0) throw new Error("division by zero");
                return a / b;
            };
            case "%": return (a, b) -> {
                if (b == 0) throw new Error("division by zero");
                return a % b;
            };
            default: throw new IllegalStateException(op);
        }
    }

    private Expr unary() throws Error {
        skip();
        if (pos >= s.length()) throw new Error("expression ends too early");
        char c = s.charAt(pos);
        if (c == '-') { pos++; return unaryNode(unary(), v -> -v); }
        if (c == '~') { pos++; return unaryNode(unary(), v -> ~v); }
        if (c == '!') { pos++; return unaryNode(unary(), v -> v == 0 ? 1 : 0); }
        if (c == '+') { pos++; return unary(); }
        if (c == '*') {
            pos++;
            return new Deref(unary());
        }
        if (c == '(') {
            pos++;
            Expr v = binary(0);
            skip();
            if (pos >= s.length() || s.charAt(pos) != ')') throw new Error("missing ')'");
            pos++;
            return v;
        }
        if (c == '\'' && pos + 2 < s.length() && s.charAt(pos + 2) == '\'') {
            pos += 3;
            return new Const(s.charAt(pos - 2));
        }
        if (Character.isDigit(c)) return new Const(number());
        if (c == '$' || Character.isLetter(c) || c == '_' || c == '.') return name();
        throw new Error("unexpected '" + c + "' in expression");
    }

    private static Expr unaryNode(Expr operand, IntUnaryOperator f) {
        if (operand instanceof Const k) return new Const(f.applyAsInt(k.value()));
        return new Unary(f, operand);
    }

    private record Unary(IntUnaryOperator f, Expr operand) implements Expr {
        @Override
        public int eval(DebugTarget t, Registers r) throws Error {
            return f.applyAsInt(operand.eval(t, r));
        }
    }

    private int number() throws Error {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
        String t = s.substring(start, pos).replace("_", "").toLowerCase();
        try {
            long v;
            if (t.startsWith("0x")) v = Long.parseLong(t.substring(2), 16);
            else if (t.startsWith("0b")) v = Long.parseLong(t.substring(2), 2);
            else v = Long.parseLong(t);
            if (v > 0xFFFFFFFFL) throw new Error("number " + t + " does not fit in 32 bits");
            return (int) v;
        } catch (NumberFormatException e) {
            throw new Error("bad number '" + t + "'");
        }
    }

    /** A register or a symbol, resolved now: which one a name means does not depend on the state. */
    private Expr name() throws Error {
        int start = pos;
        if (s.charAt(pos) == '$') pos++;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) pos++;
        String n = s.substring(start, pos);
        boolean dollar = n.startsWith("$");
        String bare = dollar ? n.substring(1) : n;
        Expr register = register(bare);
        Integer a = info.addressOf(bare);
        if (register != null && (dollar || a == null)) return register;
        if (a != null) return new Const(a);
        throw new Error("no register or symbol named '" + n + "'");
    }

    /** The node reading register name (general, pc, or one of {@link #MACHINE_REGISTERS}), or null if name is no register. */
    private static Expr register(String name) {
        int r = Register.parse(name);
        if (r >= 0) return new General(r);
        if (name.equals("pc")) return (t, regs) -> regs.pc();
        ToIntFunction<DebugTarget> m = MACHINE.get(name);
        return m == null ? null : (t, regs) -> m.applyAsInt(t);
    }

    /** Names {@link #machineRegister} knows, for completion and help. */
    static final List<String> MACHINE_REGISTERS = List.of("epc", "cause", "badvaddr", "instret", "cycles", "asid");

    /** The registers no frame changes: control registers, counters (their low 32 bits) and the ASID. */
    private static final Map<String, ToIntFunction<DebugTarget>> MACHINE = Map.of(
            "epc", t -> t.machine().cpu.epc,
            "cause", t -> t.machine().cpu.cause,
            "badvaddr", t -> t.machine().cpu.badVaddr,
            "instret", t -> (int) t.machine().cpu.instret,
            "cycles", t -> (int) t.machine().cpu.cycles,
            "asid", t -> t.machine().mmu.asid());

    /** The value of a register no frame changes ({@link #MACHINE_REGISTERS}), or null for other names. */
    static Integer machineRegister(String name, DebugTarget target) {
        ToIntFunction<DebugTarget> m = MACHINE.get(name);
        return m == null ? null : m.applyAsInt(target);
    }

    private static int deref(int va, DebugTarget target) throws Error {
        if ((va & 3) != 0) throw new Error(String.format("*0x%08x: address is not word-aligned", va));
        int pa = target.translate(va);
        if (pa < 0) throw new Error(String.format("*0x%08x: not mapped in the current address space", va));
        return target.machine().memory.readWord(pa);
    }

    private void skip() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }
}
