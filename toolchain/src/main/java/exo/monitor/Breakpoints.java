package exo.monitor;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Machine;
import exo.emulator.machine.RegisterCompare;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The breakpoints and watchpoints of a debugging session, numbered from one sequence, and the
 * checks the execution loop makes with them: a breakpoint hit at a PC (its condition evaluated
 * against the target), and a watched access by the instruction about to run (pre-decoded, so
 * the old value can be shown beside the new).
 */
public final class Breakpoints {
    public static final class Breakpoint {
        final int id;
        final int address;
        final String where;
        /** The condition as the user typed it, and as parsed (null, null for none). */
        String condition;
        Evaluator.Expr test;
        /** Comparisons the condition needs ({@link Evaluator#necessary}), or null. */
        RegisterCompare[] necessary;
        final boolean temporary;
        boolean enabled = true;
        long hits;

        Breakpoint(int id, int address, String where, String condition, Evaluator.Expr test, boolean temporary) {
            this.id = id;
            this.address = address;
            this.where = where;
            this.condition = condition;
            this.test = test;
            this.necessary = test == null ? null : Evaluator.necessary(test);
            this.temporary = temporary;
        }
    }

    public static final class Watchpoint {
        final int id;
        final int start;
        final int length;
        final boolean onRead;
        final boolean onWrite;
        boolean enabled = true;
        long hits;

        Watchpoint(int id, int start, int length, boolean onRead, boolean onWrite) {
            this.id = id;
            this.start = start;
            this.length = length;
            this.onRead = onRead;
            this.onWrite = onWrite;
        }

        /** How {@code continue N} names this watchpoint: the stop it passes is the same one. */
        String point() {
            return "watchpoint " + id;
        }

        boolean overlaps(int va, int size) {
            long s = va & 0xFFFFFFFFL, a = start & 0xFFFFFFFFL;
            return s < a + length && a < s + size;
        }
    }

    private final Map<Integer, Breakpoint> breakpoints = new LinkedHashMap<>();
    private final Map<Integer, Watchpoint> watchpoints = new LinkedHashMap<>();
    /**
     * The enabled breakpoints in order, for the checks at every hit (which the JIT makes from
     * inside translated code, so they must not allocate); null after any change, rebuilt when
     * next asked.
     */
    private Breakpoint[] active;
    /** The registers conditions read, for the target they were made for. */
    private Evaluator.Registers registers;
    private DebugTarget registersOf;
    private int nextId = 1;
    /** The watched value before the access now being executed, for the "old" in the report, and its watchpoint. */
    private int watchOld;
    private Watchpoint watchHit;

    /** Adds a breakpoint; condition is its text and test its parsed form ({@link Evaluator#parse}), both null for none. */
    Breakpoint addBreakpoint(int address, String where, String condition, Evaluator.Expr test, boolean temporary) {
        Breakpoint b = new Breakpoint(nextId++, address, where, condition, test, temporary);
        breakpoints.put(b.id, b);
        active = null;
        return b;
    }

    /** Sets breakpoint id's condition (text and parsed form; nulls remove it); false if there is no such breakpoint. */
    boolean setCondition(int id, String condition, Evaluator.Expr test) {
        Breakpoint b = breakpoints.get(id);
        if (b == null) return false;
        b.condition = condition;
        b.test = test;
        b.necessary = test == null ? null : Evaluator.necessary(test);
        active = null;
        return true;
    }

    public Watchpoint addWatchpoint(int start, int length, boolean onRead, boolean onWrite) {
        Watchpoint w = new Watchpoint(nextId++, start, length, onRead, onWrite);
        watchpoints.put(w.id, w);
        return w;
    }

    /** Deletes breakpoint or watchpoint id; false if there is none. */
    public boolean delete(int id) {
        active = null;
        return breakpoints.remove(id) != null | watchpoints.remove(id) != null;
    }

    public void deleteAll() {
        breakpoints.clear();
        active = null;
        watchpoints.clear();
    }

    /** Enables or disables breakpoint or watchpoint id; false if there is none. */
    public boolean setEnabled(int id, boolean enabled) {
        Breakpoint b = breakpoints.get(id);
        if (b != null) b.enabled = enabled;
        active = null;
        Watchpoint w = watchpoints.get(id);
        if (w != null) w.enabled = enabled;
        return b != null || w != null;
    }

    public Collection<Breakpoint> breakpoints() {
        return breakpoints.values();
    }

    public Collection<Watchpoint> watchpoints() {
        return watchpoints.values();
    }

    /** Whether any check is needed between instructions (else the loop may run at full speed). */
    boolean anyActive() {
        if (!watchpoints.isEmpty()) return true;
        for (Breakpoint b : breakpoints.values()) if (b.enabled) return true;
        return false;
    }

    /** The virtual pages the enabled watchpoints' ranges touch: the machine stops before any access to them. */
    int[] watchedPages() {
        return watchpoints.values().stream().filter(w -> w.enabled && w.length > 0)
                .flatMapToInt(w -> java.util.stream.LongStream.rangeClosed(Integer.toUnsignedLong(w.start) >>> 12,
                        (Integer.toUnsignedLong(w.start) + w.length - 1) >>> 12).mapToInt(p -> (int) p))
                .distinct().toArray();
    }

    /** Whether an instruction may have made an access some enabled watchpoint stops at, in a stretch with footprint f. */
    boolean mayBeAccessedIn(exo.emulator.machine.Footprint f) {
        for (Watchpoint w : watchpoints.values()) {
            if (!w.enabled || w.length <= 0) continue;
            long first = Integer.toUnsignedLong(w.start) >>> 12, last = (Integer.toUnsignedLong(w.start) + w.length - 1) >>> 12;
            for (long p = first; p <= last; p++) {
                if (w.onWrite && f.mayStore((int) p) || w.onRead && f.mayLoad((int) p)) return true;
            }
        }
        return false;
    }

    /** The addresses of the enabled breakpoints (conditions are evaluated when one is reached). */
    int[] enabledAddresses() {
        return breakpoints.values().stream().filter(b -> b.enabled).mapToInt(b -> b.address).toArray();
    }

    /** Of {@link #enabledAddresses}, those where an enabled breakpoint without a condition is: a stop whenever reached. */
    int[] unconditionalAddresses() {
        return breakpoints.values().stream().filter(b -> b.enabled && b.test == null).mapToInt(b -> b.address).distinct().toArray();
    }

    /**
     * For each of addresses (from {@link #conditionalAddresses}), the comparisons its condition
     * needs when it is the only enabled breakpoint there, else null.
     */
    RegisterCompare[][] necessary(int[] addresses) {
        RegisterCompare[][] out = new RegisterCompare[addresses.length][];
        for (int i = 0; i < addresses.length; i++) {
            int pc = addresses[i], n = 0;
            for (Breakpoint b : breakpoints.values()) {
                if (b.enabled && b.address == pc && n++ == 0) out[i] = b.necessary;
            }
            if (n != 1) out[i] = null;
        }
        return out;
    }

    /** Of {@link #enabledAddresses}, those where every enabled breakpoint has a condition: a stop only where one holds. */
    int[] conditionalAddresses() {
        int[] always = unconditionalAddresses();
        return breakpoints.values().stream().filter(b -> b.enabled && b.test != null).mapToInt(b -> b.address)
                .filter(a -> java.util.Arrays.stream(always).noneMatch(x -> x == a)).distinct().toArray();
    }

    /**
     * The enabled breakpoint at pc whose condition holds, counting the hit (and deleting it if
     * temporary); or null. A condition that cannot be evaluated counts as true, so the user sees
     * why.
     */
    Breakpoint hit(int pc, DebugTarget target) {
        Breakpoint b = firstHolding(pc, target);
        if (b != null) {
            b.hits++;
            if (b.temporary) delete(b.id);
        }
        return b;
    }

    /** As {@link #hit} without side effects: for re-executions that only look. */
    Breakpoint firstHolding(int pc, DebugTarget target) {
        if (active == null) active = breakpoints.values().stream().filter(b -> b.enabled).toArray(Breakpoint[]::new);
        for (Breakpoint b : active) {
            if (b.address == pc && holds(b, target)) return b;
        }
        return null;
    }

    /** Whether an enabled breakpoint with a condition is at pc: a hit there costs an evaluation. */
    boolean conditionalAt(int pc) {
        for (Breakpoint b : breakpoints.values()) {
            if (b.enabled && b.address == pc && b.test != null) return true;
        }
        return false;
    }

    private boolean holds(Breakpoint b, DebugTarget target) {
        if (b.test == null) return true;
        if (registersOf != target) {
            registers = Evaluator.machineRegisters(target);
            registersOf = target;
        }
        try {
            return b.test.eval(target, registers) != 0;
        } catch (Evaluator.Error e) {
            return true;
        }
    }

    /** A watched access an instruction is about to make: the watchpoint, the report, and the value before it. */
    record WatchHit(Watchpoint watchpoint, String report, int old) {}

    /**
     * The watched access instruction word w at pc will make (checked before it runs), or null;
     * changes nothing, so re-executions that only look can ask too.
     */
    WatchHit watchedBy(int pc, int w, DebugTarget target, java.util.function.IntFunction<String> describe) {
        if (watchpoints.isEmpty()) return null;
        Opcode op = Decoder.decode(w);
        if (op == null || (op.format != Format.LD && op.format != Format.ST)) return null;
        boolean store = op.format == Format.ST;
        int va = target.machine().cpu.regs[Format.b(w)] + Format.simm16(w);
        int size = accessSize(op);
        for (Watchpoint wp : watchpoints.values()) {
            if (!wp.enabled || !wp.overlaps(va, size) || !(store ? wp.onWrite : wp.onRead)) continue;
            String report = String.format("watchpoint %d: %s of %d byte%s at 0x%08x by %s", wp.id, store ? "write" : "read", size,
                    size == 1 ? "" : "s", va, describe.apply(pc));
            return new WatchHit(wp, report, readQuiet(target, va, size));
        }
        return null;
    }

    /** The report if instruction word w at pc will access a watched range (checked before it runs), or null; counts the hit. */
    String watchBefore(int pc, int w, DebugTarget target, java.util.function.IntFunction<String> describe) {
        WatchHit h = watchedBy(pc, w, target, describe);
        if (h == null) return null;
        h.watchpoint().hits++;
        watchOld = h.old();
        watchHit = h.watchpoint();
        return h.report();
    }

    /** The watchpoint {@link #watchBefore} last reported. */
    Watchpoint watchHit() {
        return watchHit;
    }

    /** After a watched store retired: its old and new values. */
    String watchAfter(int w, DebugTarget target) {
        return watchAfter(w, watchOld, target);
    }

    /** After a watched store retired: old and its new value ("" after a load). */
    String watchAfter(int w, int old, DebugTarget target) {
        Opcode op = Decoder.decode(w);
        if (op.format != Format.ST) return "";
        int va = target.machine().cpu.regs[Format.b(w)] + Format.simm16(w);
        return String.format(" (old 0x%x, new 0x%x)", old, readQuiet(target, va, accessSize(op)));
    }

    private static int accessSize(Opcode op) {
        switch (op) {
            case LB: case LBU: case SB: return 1;
            case LH: case LHU: case SH: return 2;
            default: return 4;
        }
    }

    private static int readQuiet(DebugTarget target, int va, int size) {
        int pa = target.translate(va);
        Machine m = target.machine();
        if (pa < 0 || (va & (size - 1)) != 0) return 0;
        return size == 1 ? m.memory.readByteUnsigned(pa) : size == 2 ? m.memory.readHalfUnsigned(pa) : m.memory.readWord(pa);
    }
}
