package exo.monitor;

import exo.emulator.isa.Register;
import exo.emulator.machine.Cpu;

/**
 * Evaluates the monitor's expressions against the target's current state, parsing and
 * computing in one pass (unlike the assembler's {@code exo.toolchain.asm.Expr}, a tree the
 * assembler evaluates when symbols are known). Integers (decimal, 0x hex, 0b binary, 'c'),
 * registers ({@code a0}, {@code $a0}, {@code pc}, {@code $pc}, control registers
 * {@code epc cause badvaddr}, and {@code instret cycles asid}), symbols, {@code *expr} (the word at a virtual address),
 * parentheses, and C's operators {@code ~ ! - * / % + - << >> < <= > >= == != & ^ | && ||}
 * with C precedence. Values are 32-bit.
 */
final class Evaluator {
    /** A bad expression, with the message the user sees. */
    static final class Error extends Exception {
        Error(String message) {
            super(message);
        }
    }

    /** Where register values come from: the CPU, or a frame the user selected. */
    @FunctionalInterface
    interface Registers {
        /** The value of register name, null if name is no register; throws if it is unknown here. */
        Integer value(String name) throws Error;
    }

    private final String s;
    private final DebugTarget target;
    private final Registers registers;
    private int pos;

    private Evaluator(String s, DebugTarget target, Registers registers) {
        this.s = s;
        this.target = target;
        this.registers = registers;
    }

    /** Evaluates text with the CPU's registers. */
    static int eval(String text, DebugTarget target) throws Error {
        return eval(text, target, name -> register(name, target));
    }

    static int eval(String text, DebugTarget target, Registers registers) throws Error {
        Evaluator e = new Evaluator(text, target, registers);
        int v = e.binary(0);
        e.skip();
        if (e.pos < e.s.length()) throw new Error("unexpected '" + e.s.substring(e.pos) + "' in expression");
        return v;
    }

    private static final String[][] LEVELS = {
        {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
    };

    private int binary(int level) throws Error {
        if (level == LEVELS.length) return unary();
        int left = binary(level + 1);
        while (true) {
            String op = operator(LEVELS[level]);
            if (op == null) return left;
            int right = binary(level + 1);
            left = apply(op, left, right);
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

    private static int apply(String op, int a, int b) throws Error {
        switch (op) {
            case "||": return (a != 0 || b != 0) ? 1 : 0;
            case "&&": return (a != 0 && b != 0) ? 1 : 0;
            case "|": return a | b;
            case "^": return a ^ b;
            case "&": return a & b;
            case "==": return a == b ? 1 : 0;
            case "!=": return a != b ? 1 : 0;
            case "<": return a < b ? 1 : 0;
            case "<=": return a <= b ? 1 : 0;
            case ">": return a > b ? 1 : 0;
            case ">=": return a >= b ? 1 : 0;
            case "<<": return a << (b & 31);
            case ">>": return a >> (b & 31);
            case "+": return a + b;
            case "-": return a - b;
            case "*": return a * b;
            case "/": if (b == 0) throw new Error("division by zero"); return a / b;
            case "%": if (b == 0) throw new Error("division by zero"); return a % b;
            default: throw new IllegalStateException(op);
        }
    }

    private int unary() throws Error {
        skip();
        if (pos >= s.length()) throw new Error("expression ends too early");
        char c = s.charAt(pos);
        if (c == '-') { pos++; return -unary(); }
        if (c == '~') { pos++; return ~unary(); }
        if (c == '!') { pos++; return unary() == 0 ? 1 : 0; }
        if (c == '+') { pos++; return unary(); }
        if (c == '*') { pos++; return deref(unary()); }
        if (c == '(') {
            pos++;
            int v = binary(0);
            skip();
            if (pos >= s.length() || s.charAt(pos) != ')') throw new Error("missing ')'");
            pos++;
            return v;
        }
        if (c == '\'' && pos + 2 < s.length() && s.charAt(pos + 2) == '\'') {
            pos += 3;
            return s.charAt(pos - 2);
        }
        if (Character.isDigit(c)) return number();
        if (c == '$' || Character.isLetter(c) || c == '_' || c == '.') return name();
        throw new Error("unexpected '" + c + "' in expression");
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

    private int name() throws Error {
        int start = pos;
        if (s.charAt(pos) == '$') pos++;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) pos++;
        String n = s.substring(start, pos);
        boolean dollar = n.startsWith("$");
        String bare = dollar ? n.substring(1) : n;
        Integer v = registers.value(bare);
        if (v != null && (dollar || target.debugInfo().addressOf(bare) == null)) return v;
        Integer a = target.debugInfo().addressOf(bare);
        if (a != null) return a;
        throw new Error("no register or symbol named '" + n + "'");
    }

    /** Value of a general or control register by name, or of a counter (the low 32 bits), or null. */
    static Integer register(String name, DebugTarget target) {
        Cpu cpu = target.machine().cpu;
        int r = Register.parse(name);
        if (r >= 0) return cpu.regs[r];
        if (name.equals("pc")) return cpu.pc;
        return machineRegister(name, target);
    }

    /** The registers no frame changes: control registers, counters and the ASID; null for other names. */
    static Integer machineRegister(String name, DebugTarget target) {
        Cpu cpu = target.machine().cpu;
        switch (name) {
            case "epc": return cpu.epc;
            case "cause": return cpu.cause;
            case "badvaddr": return cpu.badVaddr;
            case "instret": return (int) cpu.instret;
            case "cycles": return (int) cpu.cycles;
            case "asid": return target.machine().mmu.asid();
            default: return null;
        }
    }

    /** Names {@link #machineRegister} knows, for completion and help. */
    static final java.util.List<String> MACHINE_REGISTERS = java.util.List.of("epc", "cause", "badvaddr", "instret", "cycles", "asid");

    private int deref(int va) throws Error {
        if ((va & 3) != 0) throw new Error(String.format("*0x%08x: address is not word-aligned", va));
        int pa = target.translate(va);
        if (pa < 0) throw new Error(String.format("*0x%08x: not mapped in the current address space", va));
        return target.machine().memory.readWord(pa);
    }

    private void skip() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }
}
