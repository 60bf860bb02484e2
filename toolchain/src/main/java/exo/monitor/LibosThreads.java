package exo.monitor;

import exo.emulator.isa.Register;
import java.util.ArrayList;
import java.util.List;

/**
 * The library OS's user-level threads as the monitor reads them, through the convention
 * docs/libos.md states: the symbol {@code threads} is a table of {@link #MAX_THREADS} thread
 * control blocks of {@link #TCB_SIZE} bytes (thread N's at {@code threads + N * TCB_SIZE}), and
 * {@code cur_thread} holds the running thread's TCB, 0 until the first {@code thread_create}.
 * A TCB holds the resume PC in word 0, r1..r29 in words 1..29 (the layout exception frames
 * share), then the state, what a blocked thread waits on, and a finished thread's result. The
 * offsets are libos.inc's; {@code LibosThreadsLayoutTest} checks them against it.
 */
final class LibosThreads {
    static final int MAX_THREADS = 16;
    static final int TCB_PC = 0, TCB_STATE = 120, TCB_WAIT = 124, TCB_RESULT = 128, TCB_SIZE = 144;
    static final int T_FREE = 0, T_READY = 1, T_BLOCKED = 2, T_DONE = 3;
    private static final String[] STATES = {"free", "ready", "blocked", "done"};

    /**
     * One thread. The running one has no saved state worth reading ({@code pc} and
     * {@code regs} are unused); another has the registers its last switch saved.
     */
    record Thread(int id, int tcb, int state, boolean running, int pc, int[] regs, int waitsOn, int result) {
        String stateName() {
            return running ? "running" : state >= 0 && state < STATES.length ? STATES[state] : "state " + state;
        }
    }

    /** What the program's threads look like now, or why they cannot be shown. */
    record Table(List<Thread> threads, String whyNot) {}

    private LibosThreads() {}

    static Table read(Debugger dbg) {
        DebugInfo info = dbg.target().debugInfo();
        Integer table = info.addressOf("threads"), cur = info.addressOf("cur_thread");
        if (table == null || cur == null || info.addressOf("thread_create") == null) {
            return new Table(List.of(), "the program has no library OS threads (it does not link thread.s)");
        }
        long current = word(dbg, cur);
        if (current < 0) {
            return new Table(List.of(), dbg.machine().isHalted() ? "the program is not running: " + dbg.target().exitSummary()
                    : String.format("cur_thread (at 0x%08x) cannot be read: no page is mapped there", cur));
        }
        if (current == 0) return new Table(List.of(), "no threads yet: the program has not called thread_create (it is one thread, itself)");
        long off = current - Integer.toUnsignedLong(table);
        if (off < 0 || off >= (long) MAX_THREADS * TCB_SIZE || off % TCB_SIZE != 0) {
            return new Table(List.of(), String.format("cur_thread (0x%08x) is not a TCB in the table at 0x%08x: the thread table cannot be read", current, table));
        }
        List<Thread> l = new ArrayList<>();
        for (int id = 0; id < MAX_THREADS; id++) {
            int tcb = table + id * TCB_SIZE;
            long state = word(dbg, tcb + TCB_STATE);
            if (state < 0) return new Table(List.of(), String.format("the TCB at 0x%08x cannot be read", tcb));
            boolean running = tcb == (int) current;
            if (state == T_FREE && !running) continue;
            int[] regs = new int[Register.COUNT];
            for (int r = 1; r <= Register.S7; r++) regs[r] = (int) word(dbg, tcb + 4 * r);
            l.add(new Thread(id, tcb, (int) state, running, (int) word(dbg, tcb + TCB_PC), regs,
                    (int) word(dbg, tcb + TCB_WAIT), (int) word(dbg, tcb + TCB_RESULT)));
        }
        return new Table(l, null);
    }

    private static long word(Debugger dbg, int va) {
        int pa = dbg.target().translate(va);
        return pa < 0 ? -1 : dbg.machine().memory.readWord(pa) & 0xFFFFFFFFL;
    }
}
