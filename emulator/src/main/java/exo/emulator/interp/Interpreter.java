package exo.emulator.interp;

import exo.emulator.isa.Counter;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Family;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Width;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The reference engine: fetch, decode, execute, one instruction at a time.
 *
 * <p>The machine's event loop ({@link Machine#run}) hands it stretches of instructions with no
 * event due; {@link #runChunk} runs one with the PC, counters and memory in locals and registers
 * in the CPU's array. A trap commits the retired count, raises the exception and ends the chunk.
 *
 * <p>Nothing here is specific to one instruction: each {@link Family} has one path, driven by
 * the row's attributes ({@link Opcode}). ALU results, ALU trap checks and branch conditions
 * come from the {@link Dispatcher}, generated from the same bytecode the JIT emits.
 */
public final class Interpreter implements Engine {
    private static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT, PAGE_MASK = PhysicalMemory.PAGE_MASK;
    /**
     * The fetch check compares {@code pc & ~PAGE_MASK | pc & 3} with the cached page; that value
     * always has bits 11..2 clear, so this one (bit 2 set) matches no pc.
     */
    private static final int NO_PAGE = 4;
    /**
     * Fetches and loads read the backing array directly (measured: about a quarter faster than through
     * PhysicalMemory's methods); stores go through PhysicalMemory, which tells the JIT's code
     * watcher about writes to translated pages.
     */
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** ALU results, trap checks and branch conditions, compiled from the ISA table. */
    private static final Dispatcher ROWS = Dispatcher.INSTANCE;

    @Override
    public String name() {
        return "interp";
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * Runs up to n instructions ({@link Engine#runChunk}). With breakpoints live it goes one
     * instruction at a time, asking {@link Machine#stopBefore} first; otherwise at full speed.
     */
    @Override
    public void runChunk(Machine m, int n) {
        // Which words ran is not recorded here (it would cost every instruction): a footprint counts whole pages.
        if (m.footprint() != null) m.footprint().coarse();
        if (!m.breakpointsLive()) {
            execute(m, n);
            return;
        }
        Cpu cpu = m.cpu;
        for (int i = 0; i < n; i++) {
            if (m.stopBefore(cpu.pc)) return;
            long before = cpu.instret;
            execute(m, 1);
            if (cpu.instret == before) return; // it trapped
        }
    }

    /**
     * Runs up to n instructions with no breakpoint checks: one path per instruction family. The method must stay under
     * HotSpot's 8000-byte huge-method limit or C2 will not compile it (javap shows its size).
     *
     * <p>The page being fetched from is kept in locals ({@code fetchPage} → {@code fetchBytes}),
     * and the MMU's host-cache arrays are read through locals with the fast path inlined. This
     * is coherent because the TLB and ASID only change inside the kernel, which runs only when
     * the event loop delivers a trap, and every trap ends the chunk.
     */
    public void execute(Machine m, int n) {
        final Cpu cpu = m.cpu;
        final int[] r = cpu.regs;
        final Mmu mmu = m.mmu;
        final int[] loadTag = mmu.loadTag, loadBase = mmu.loadBase, storeTag = mmu.storeTag, storeBase = mmu.storeBase;
        final PhysicalMemory mem = m.memory;
        int pc = cpu.pc;
        int fetchPage = NO_PAGE;
        byte[] fetchBytes = null;
        int done = 0;
        while (done < n) {
            // One compare checks both "same page as the last fetch" and "word-aligned".
            if ((pc & ~PAGE_MASK | (pc & 3)) != fetchPage) {
                if ((pc & 3) != 0) { trap(m, done, Cause.ADDR_FETCH, pc, pc); return; }
                int pa = mmu.fetch(pc);
                if (pa == Mmu.FAULT) { trap(m, done, mmu.fault, pc, pc); return; }
                fetchPage = pc & ~PAGE_MASK;
                fetchBytes = mem.page(pa >>> PAGE_SHIFT);
            }
            int w = (int) WORD.get(fetchBytes, pc & PAGE_MASK);
            Opcode op = Decoder.decode(w);
            if (op == null) { trap(m, done, Cause.ILLEGAL, pc, 0); return; }
            int a = Format.a(w), b = Format.b(w);
            int next = pc + 4;
            if (op.family == Family.ALU) {
                // Most instructions are ALU rows. Testing for them before the family switch spares
                // them the switch's indirect jump (measured: about 5% on ALU-bound loops).
                int x = r[b], y = op.format == Format.R ? r[Format.c(w)] : op.format.immediate(w);
                if (op.trapCheck != null && ROWS.aluTraps(op.familyIndex, x, y)) { trap(m, done, op.trapCause, pc, 0); return; }
                r[a] = ROWS.alu(op.familyIndex, x, y);
            } else {
                switch (op.family) {
                    case COUNTER: {
                        long count = (op.counter == Counter.CYCLES ? cpu.cycles : cpu.instret) + done;
                        r[a] = (int) (count >>> op.half.shift);
                        break;
                    }
                    case LOAD: {
                        int va = r[b] + Format.simm16(w);
                        int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                        // One compare checks the host-cache tag and the alignment, as in the JIT.
                        int p = loadTag[line] == (va & (~PAGE_MASK | op.width.alignMask)) ? loadBase[line] | (va & PAGE_MASK) : Mmu.FAULT;
                        if (p == Mmu.FAULT) {
                            if ((va & op.width.alignMask) != 0) { trap(m, done, Cause.ADDR_LOAD, pc, va); return; }
                            p = mmu.translate(va, Mmu.LOAD);
                            if (p == Mmu.FAULT) { trap(m, done, mmu.fault, pc, va); return; }
                        }
                        int v = op.width == Width.WORD ? mem.readWord(p) : op.width == Width.HALF ? mem.readHalf(p) : mem.readByte(p);
                        r[a] = op.signed ? v : v & op.width.valueMask;
                        break;
                    }
                    case STORE: {
                        int va = r[b] + Format.simm16(w);
                        int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                        int p = storeTag[line] == (va & (~PAGE_MASK | op.width.alignMask)) ? storeBase[line] | (va & PAGE_MASK) : Mmu.FAULT;
                        if (p == Mmu.FAULT) {
                            if ((va & op.width.alignMask) != 0) { trap(m, done, Cause.ADDR_STORE, pc, va); return; }
                            p = mmu.translate(va, Mmu.STORE);
                            if (p == Mmu.FAULT) { trap(m, done, mmu.fault, pc, va); return; }
                        }
                        if (op.width == Width.WORD) mem.writeWord(p, r[a]);
                        else if (op.width == Width.HALF) mem.writeHalf(p, r[a]);
                        else mem.writeByte(p, r[a]);
                        break;
                    }
                    case BRANCH: if (ROWS.branchTaken(op.familyIndex, r[a], r[b])) next = pc + Format.off16Bytes(w); break;
                    case JUMP: r[a] = next; next = pc + Format.off21Bytes(w); break;
                    case JUMP_REGISTER: {
                        int t = r[b] + Format.simm16(w);
                        r[a] = next;
                        next = t;
                        break;
                    }
                    case SYSTEM: trap(m, done, op.trapCause, pc, 0); return;
                    default: throw new IllegalStateException("no semantics for " + op);
                }
            }
            r[0] = 0;
            pc = next;
            done++;
        }
        cpu.pc = pc;
        cpu.instret += done;
        cpu.cycles += done;
    }

    /**
     * Commits the instructions retired before the faulting one, then raises the trap for the
     * machine's event loop to deliver; the caller returns at once.
     */
    private static void trap(Machine m, int done, Cause cause, int pc, int badVaddr) {
        Cpu cpu = m.cpu;
        cpu.instret += done;
        cpu.cycles += done;
        m.raise(cause, pc, badVaddr);
    }
}
