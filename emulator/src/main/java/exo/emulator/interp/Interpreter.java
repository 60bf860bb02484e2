package exo.emulator.interp;

import exo.emulator.isa.Alu;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.StopReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The reference engine: fetch, decode, execute, one instruction at a time.
 *
 * <p>{@link #run} slices execution into chunks that end exactly at the next event (timer
 * deadline, end of budget, or a bounded chunk length so stop requests are seen promptly);
 * {@link #runChunk} runs a chunk with the PC, counters and memory in locals and registers in the
 * CPU's array. A trap commits the retired count, raises the exception and ends the chunk.
 * The arithmetic itself lives in {@link Alu}, shared with the JIT.
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
    private static final VarHandle HALF = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    /** Longest chunk between checks of halt and stop requests. */
    static final int CHUNK = 1 << 20;

    @Override
    public String name() {
        return "interp";
    }

    @Override
    public StopReason run(Machine m, long budget) {
        return runLoop(m, budget, this::runChunk);
    }

    /**
     * The event loop shared by both engines: delivers the timer interrupt at the exact cycle,
     * honours halt, stop and budget, and hands each event-free stretch to {@code chunk}.
     */
    public static StopReason runLoop(Machine m, long budget, ChunkRunner chunk) {
        Cpu cpu = m.cpu;
        long target = budget >= Long.MAX_VALUE - cpu.instret ? Long.MAX_VALUE : cpu.instret + budget;
        while (true) {
            if (m.isHalted()) return StopReason.HALTED;
            if (m.takeStopRequest()) return StopReason.STOPPED;
            if (cpu.cycles >= cpu.timerCompare) {
                m.raise(Cause.TIMER, cpu.pc, 0);
                continue;
            }
            long left = target - cpu.instret;
            if (left <= 0) return StopReason.BUDGET;
            long n = Math.min(Math.min(left, cpu.timerCompare - cpu.cycles), CHUNK);
            chunk.runChunk(m, (int) n);
        }
    }

    /** Runs up to n instructions with no event due; returns early after a trap. */
    @FunctionalInterface
    public interface ChunkRunner {
        void runChunk(Machine m, int n);
    }

    /**
     * Executes exactly one instruction (or takes its trap); for the debugger's single step. A
     * timer interrupt that is due is delivered instead, as {@link #runLoop} would before the
     * next instruction, so stepping and running see interrupts at the same cycle.
     */
    public void stepOne(Machine m) {
        Cpu cpu = m.cpu;
        if (cpu.cycles >= cpu.timerCompare) {
            m.raise(Cause.TIMER, cpu.pc, 0);
            return;
        }
        runChunk(m, 1);
    }

    @Override
    public String toString() {
        return name();
    }

    /**
     * Runs up to n instructions: a switch over the table's rows. The method must stay under
     * HotSpot's 8000-byte huge-method limit or C2 will not compile it (javap shows its size).
     *
     * <p>The page being fetched from is kept in locals ({@code fetchPage} → {@code fetchBase}),
     * and the MMU's host-cache arrays are read through locals with the fast path inlined. This
     * is coherent because the TLB and ASID only change inside the kernel, which runs only from
     * a trap, and every trap ends the chunk.
     */
    public void runChunk(Machine m, int n) {
        final Cpu cpu = m.cpu;
        final int[] r = cpu.regs;
        final Mmu mmu = m.mmu;
        final int[] loadTag = mmu.loadTag, loadBase = mmu.loadBase, storeTag = mmu.storeTag, storeBase = mmu.storeBase;
        final PhysicalMemory mem = m.memory;
        final byte[] bytes = mem.array();
        int pc = cpu.pc;
        int fetchPage = NO_PAGE, fetchBase = 0;
        int done = 0;
        while (done < n) {
            // One compare checks both "same page as the last fetch" and "word-aligned".
            if ((pc & ~PAGE_MASK | (pc & 3)) != fetchPage) {
                if ((pc & 3) != 0) { trap(m, done, Cause.ADDR_FETCH, pc, pc); return; }
                int pa = mmu.fetch(pc);
                if (pa < 0) { trap(m, done, Cause.ofCode(-pa), pc, pc); return; }
                fetchPage = pc & ~PAGE_MASK;
                fetchBase = pa & ~PAGE_MASK;
            }
            int w = (int) WORD.get(bytes, fetchBase | (pc & PAGE_MASK));
            Opcode op = Decoder.decode(w);
            if (op == null) { trap(m, done, Cause.ILLEGAL, pc, 0); return; }
            int a = Format.a(w), b = Format.b(w);
            int next = pc + 4;
            switch (op) {
                case ADD: r[a] = Alu.add(r[b], r[Format.c(w)]); break;
                case SUB: r[a] = Alu.sub(r[b], r[Format.c(w)]); break;
                case ADDO: {
                    int x = r[b], y = r[Format.c(w)];
                    if (Alu.addOverflows(x, y)) { trap(m, done, Cause.OVERFLOW, pc, 0); return; }
                    r[a] = Alu.add(x, y);
                    break;
                }
                case SUBO: {
                    int x = r[b], y = r[Format.c(w)];
                    if (Alu.subOverflows(x, y)) { trap(m, done, Cause.OVERFLOW, pc, 0); return; }
                    r[a] = Alu.sub(x, y);
                    break;
                }
                case AND: r[a] = Alu.and(r[b], r[Format.c(w)]); break;
                case OR: r[a] = Alu.or(r[b], r[Format.c(w)]); break;
                case XOR: r[a] = Alu.xor(r[b], r[Format.c(w)]); break;
                case NOR: r[a] = Alu.nor(r[b], r[Format.c(w)]); break;
                case SLL: r[a] = Alu.sll(r[b], r[Format.c(w)]); break;
                case SRL: r[a] = Alu.srl(r[b], r[Format.c(w)]); break;
                case SRA: r[a] = Alu.sra(r[b], r[Format.c(w)]); break;
                case SLT: r[a] = Alu.slt(r[b], r[Format.c(w)]); break;
                case SLTU: r[a] = Alu.sltu(r[b], r[Format.c(w)]); break;
                case MUL: r[a] = Alu.mul(r[b], r[Format.c(w)]); break;
                case MULH: r[a] = Alu.mulh(r[b], r[Format.c(w)]); break;
                case MULHU: r[a] = Alu.mulhu(r[b], r[Format.c(w)]); break;
                case DIV: case DIVU: case REM: case REMU: {
                    int x = r[b], y = r[Format.c(w)];
                    if (y == 0) { trap(m, done, Cause.DIV_ZERO, pc, 0); return; }
                    r[a] = op == Opcode.DIV ? Alu.div(x, y) : op == Opcode.DIVU ? Alu.divu(x, y)
                            : op == Opcode.REM ? Alu.rem(x, y) : Alu.remu(x, y);
                    break;
                }
                case RDCYCLE: r[a] = (int) (cpu.cycles + done); break;
                case RDCYCLEH: r[a] = (int) ((cpu.cycles + done) >>> 32); break;
                case RDINSTRET: r[a] = (int) (cpu.instret + done); break;
                case RDINSTRETH: r[a] = (int) ((cpu.instret + done) >>> 32); break;
                case ADDI: r[a] = Alu.add(r[b], Format.simm16(w)); break;
                case ADDIO: {
                    int x = r[b], y = Format.simm16(w);
                    if (Alu.addOverflows(x, y)) { trap(m, done, Cause.OVERFLOW, pc, 0); return; }
                    r[a] = Alu.add(x, y);
                    break;
                }
                case SLTI: r[a] = Alu.slt(r[b], Format.simm16(w)); break;
                case SLTIU: r[a] = Alu.sltu(r[b], Format.simm16(w)); break;
                case ANDI: r[a] = Alu.and(r[b], Format.uimm16(w)); break;
                case ORI: r[a] = Alu.or(r[b], Format.uimm16(w)); break;
                case XORI: r[a] = Alu.xor(r[b], Format.uimm16(w)); break;
                case LUI: r[a] = Alu.lui(Format.uimm16(w)); break;
                case SLLI: r[a] = Alu.sll(r[b], Format.shamt(w)); break;
                case SRLI: r[a] = Alu.srl(r[b], Format.shamt(w)); break;
                case SRAI: r[a] = Alu.sra(r[b], Format.shamt(w)); break;
                case LB: case LBU: {
                    int va = r[b] + Format.simm16(w);
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = loadTag[line] == (va & ~PAGE_MASK) ? loadBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.LOAD);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    r[a] = op == Opcode.LB ? bytes[p] : bytes[p] & 0xFF;
                    break;
                }
                case LH: case LHU: {
                    int va = r[b] + Format.simm16(w);
                    if ((va & 1) != 0) { trap(m, done, Cause.ADDR_LOAD, pc, va); return; }
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = loadTag[line] == (va & ~PAGE_MASK) ? loadBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.LOAD);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    int h = (short) HALF.get(bytes, p);
                    r[a] = op == Opcode.LH ? h : h & 0xFFFF;
                    break;
                }
                case LW: {
                    int va = r[b] + Format.simm16(w);
                    if ((va & 3) != 0) { trap(m, done, Cause.ADDR_LOAD, pc, va); return; }
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = loadTag[line] == (va & ~PAGE_MASK) ? loadBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.LOAD);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    r[a] = (int) WORD.get(bytes, p);
                    break;
                }
                case SB: {
                    int va = r[b] + Format.simm16(w);
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = storeTag[line] == (va & ~PAGE_MASK) ? storeBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.STORE);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    mem.writeByte(p, r[a]);
                    break;
                }
                case SH: {
                    int va = r[b] + Format.simm16(w);
                    if ((va & 1) != 0) { trap(m, done, Cause.ADDR_STORE, pc, va); return; }
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = storeTag[line] == (va & ~PAGE_MASK) ? storeBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.STORE);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    mem.writeHalf(p, r[a]);
                    break;
                }
                case SW: {
                    int va = r[b] + Format.simm16(w);
                    if ((va & 3) != 0) { trap(m, done, Cause.ADDR_STORE, pc, va); return; }
                    int line = (va >>> PAGE_SHIFT) & Mmu.HOST_MASK;
                    int p = storeTag[line] == (va & ~PAGE_MASK) ? storeBase[line] | (va & PAGE_MASK) : mmu.translate(va, Mmu.STORE);
                    if (p < 0) { trap(m, done, Cause.ofCode(-p), pc, va); return; }
                    mem.writeWord(p, r[a]);
                    break;
                }
                case BEQ: if (r[a] == r[b]) next = pc + Format.off16Bytes(w); break;
                case BNE: if (r[a] != r[b]) next = pc + Format.off16Bytes(w); break;
                case BLT: if (r[a] < r[b]) next = pc + Format.off16Bytes(w); break;
                case BGE: if (r[a] >= r[b]) next = pc + Format.off16Bytes(w); break;
                case BLTU: if (Alu.ltu(r[a], r[b])) next = pc + Format.off16Bytes(w); break;
                case BGEU: if (!Alu.ltu(r[a], r[b])) next = pc + Format.off16Bytes(w); break;
                case JAL: r[a] = next; next = pc + Format.off21Bytes(w); break;
                case JALR: {
                    int t = r[b] + Format.simm16(w);
                    r[a] = next;
                    next = t;
                    break;
                }
                case SYSCALL: trap(m, done, Cause.SYSCALL, pc, 0); return;
                case BREAK: trap(m, done, Cause.BREAK, pc, 0); return;
                default: throw new IllegalStateException("no semantics for " + op);
            }
            r[0] = 0;
            pc = next;
            done++;
        }
        cpu.pc = pc;
        cpu.instret += done;
        cpu.cycles += done;
    }

    /** Commits the instructions retired before the faulting one, then raises the trap. */
    private static void trap(Machine m, int done, Cause cause, int pc, int badVaddr) {
        Cpu cpu = m.cpu;
        cpu.instret += done;
        cpu.cycles += done;
        m.raise(cause, pc, badVaddr);
    }
}
