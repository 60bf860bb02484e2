package exo.monitor;

import exo.emulator.isa.Disassembler;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.Tlb;
import java.util.List;

/**
 * Renders machine state as text for the monitor: registers with changes marked, memory in
 * several formats, disassembly with symbols and the PC marker, source around the PC, the
 * backtrace, the TLB and the trap log. Pure functions of the target's state.
 */
final class Views {
    private final Debugger dbg;
    /** Registers and PC at the stop before the latest one, which {@link #registers} compares against. */
    private int[] lastRegs;
    private int lastPc;
    /** Registers and PC at the latest stop. */
    private int[] stopRegs;
    private int stopPc;

    Views(Debugger dbg) {
        this.dbg = dbg;
        stopRegs = dbg.machine().cpu.regs.clone();
        stopPc = dbg.machine().cpu.pc;
        remember();
    }

    /**
     * Called at every stop: from now on {@link #registers} marks what changed between the
     * previous stop and this one.
     */
    void remember() {
        lastRegs = stopRegs;
        lastPc = stopPc;
        stopRegs = dbg.machine().cpu.regs.clone();
        stopPc = dbg.machine().cpu.pc;
    }

    String registers() {
        Cpu c = dbg.machine().cpu;
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < Register.COUNT; r++) {
            boolean changed = c.regs[r] != lastRegs[r];
            sb.append(String.format("%-4s %08x%s", Register.name(r), c.regs[r], changed ? "*" : " "));
            sb.append(r % 4 == 3 ? "\n" : "   ");
        }
        sb.append(String.format("pc   %08x%s   epc  %08x    cause %d%s   badvaddr %08x%n", c.pc, c.pc != lastPc ? "*" : " ", c.epc, c.cause,
                Cause.ofCode(c.cause) == null ? "" : " (" + Cause.ofCode(c.cause).shortName + ")", c.badVaddr));
        sb.append(String.format("asid %d   cycles %d   instret %d   timer %s%n", dbg.machine().mmu.asid(), c.cycles, c.instret,
                c.timerArmed() ? "at cycle " + c.timerCompare : "off"));
        return sb.toString();
    }

    /** What {@link #examine} shows, and the address after it (where a bare {@code x} continues). */
    record Examined(String text, int next) {}

    /**
     * count units of memory at va in format f: x (hex), d (signed), u (unsigned), t (binary),
     * c (characters), of size bytes each; or count strings (s) or instructions (i).
     */
    Examined examine(int va, int count, char f, int size, boolean physical) {
        StringBuilder sb = new StringBuilder();
        if (f == 'i') {
            for (int i = 0; i < count; i++) sb.append(instruction(va + 4 * i)).append('\n');
            return new Examined(sb.toString(), va + 4 * count);
        }
        if (f == 's') {
            int a = va;
            for (int n = 0; n < count; n++) {
                StringBuilder str = new StringBuilder();
                int i = 0;
                for (; i < 4096; i++) {
                    int b = readByte(a + i, physical);
                    if (b < 0) return new Examined(sb.append(String.format("0x%08x: <cannot read 0x%08x>%n", a, a + i)).toString(), a + i);
                    if (b == 0) break;
                    str.append(escape(b));
                }
                sb.append(String.format("0x%08x: \"%s\"%n", a, str));
                a += i + 1;
            }
            return new Examined(sb.toString(), a);
        }
        int perLine = f == 't' ? (size == 4 ? 2 : size == 2 ? 4 : 8) : size == 4 ? 4 : size == 2 ? 8 : 16;
        int next = va;
        for (int i = 0; i < count; i++) {
            int a = va + i * size;
            if (i % perLine == 0) sb.append(i == 0 ? "" : "\n").append(String.format("0x%08x:", a));
            long v = read(a, size, physical);
            if (v < 0) {
                sb.append(String.format(" <%s>", physical ? "beyond memory" : (a & (size - 1)) != 0 ? "not aligned" : "not mapped"));
                break;
            }
            next = a + size;
            switch (f) {
                case 'd': sb.append(' ').append(size == 4 ? (int) v : size == 2 ? (short) v : (byte) v); break;
                case 'u': sb.append(' ').append(v); break;
                case 't': sb.append(' ').append(String.format("%" + (8 * size) + "s", Long.toBinaryString(v)).replace(' ', '0')); break;
                case 'c': sb.append(' ').append(escape((int) v)); break;
                default: sb.append(' ').append(String.format("%0" + (2 * size) + "x", v));
            }
        }
        return new Examined(sb.append('\n').toString(), next);
    }

    static String escape(int b) {
        switch (b) {
            case '\n': return "\\n";
            case '\t': return "\\t";
            case '\r': return "\\r";
            case '"': return "\\\"";
            case '\\': return "\\\\";
            default: return b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b);
        }
    }

    private int readByte(int a, boolean physical) {
        long v = read(a, 1, physical);
        return (int) v;
    }

    /** Value of size bytes at a (virtual through the current ASID, or physical), or -1. */
    long read(int a, int size, boolean physical) {
        Machine m = dbg.machine();
        if ((a & (size - 1)) != 0) return -1;
        int pa;
        if (physical) {
            if (!m.memory.contains(a & 0xFFFFFFFFL, size)) return -1;
            pa = a;
        } else {
            pa = dbg.target().translate(a);
            if (pa < 0) return -1;
        }
        return size == 1 ? m.memory.readByteUnsigned(pa) : size == 2 ? m.memory.readHalfUnsigned(pa) : m.memory.readWord(pa) & 0xFFFFFFFFL;
    }

    /** One disassembled line: marker, address, encoding, instruction, source location. */
    String instruction(int a) {
        DebugInfo info = dbg.target().debugInfo();
        StringBuilder sb = new StringBuilder();
        String sym = info.symbolAt(a);
        if (sym != null && info.symbolAddress(a) == a) sb.append(sym).append(":\n");
        int pa = dbg.target().translate(a);
        String marker = a == dbg.machine().cpu.pc ? "=> " : "   ";
        if ((a & 3) != 0) return sb.append(String.format("%s0x%08x:  <not word-aligned: no instruction starts here>", marker, a)).toString();
        if (pa < 0) return sb.append(String.format("%s0x%08x:  <not mapped>", marker, a)).toString();
        int w = dbg.machine().memory.readWord(pa);
        sb.append(String.format("%s0x%08x:  %08x  %s", marker, a, w, Disassembler.format(w, a, info::describe)));
        return sb.toString();
    }

    String disassemble(int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) sb.append(instruction(from + 4 * i)).append('\n');
        return sb.toString();
    }

    /** Source lines around address, with the PC's line marked; null if there is no line info. */
    String source(int address, int around) {
        DebugInfo.Location l = dbg.target().debugInfo().lineOf(address);
        if (l == null) return null;
        return sourceLines(l.file(), Math.max(1, l.line() - around), l.line() + around);
    }

    /** Lines from..to of file (clipped to the file), the PC's line marked; empty past its end. */
    String sourceLines(String file, int from, int to) {
        DebugInfo info = dbg.target().debugInfo();
        List<String> lines = info.source(file);
        if (lines.isEmpty()) return file + ":" + from + ": source not available\n";
        StringBuilder sb = new StringBuilder();
        DebugInfo.Location pcLine = info.lineOf(dbg.machine().cpu.pc);
        DebugInfo.Location l = new DebugInfo.Location(file, from);
        to = Math.min(lines.size(), to);
        for (int n = from; n <= to; n++) {
            boolean here = pcLine != null && pcLine.file().equals(l.file()) && pcLine.line() == n;
            sb.append(String.format("%s%5d  %s%n", here ? "=>" : "  ", n, lines.get(n - 1)));
        }
        return sb.toString();
    }

    String tlb() {
        Tlb t = dbg.machine().tlb;
        StringBuilder sb = new StringBuilder("slot  vaddr      paddr      asid  flags   (V valid, W writable, X executable, G global, N no-cache, R referenced)\n");
        int valid = 0;
        for (int i = 0; i < Tlb.SIZE; i++) {
            if (!t.isValid(i)) continue;
            valid++;
            sb.append(String.format("%4d  0x%08x 0x%08x %4d  %s%n", i, Pages.start(t.vpn(i)), Pages.start(t.pfn(i)), t.asid(i), Tlb.flagString(t.flags(i))));
        }
        sb.append(valid).append(" of ").append(Tlb.SIZE).append(" entries valid; current asid ").append(dbg.machine().mmu.asid()).append('\n');
        return sb.toString();
    }

    String traps(int last) {
        List<Debugger.TrapRecord> log = dbg.trapLog();
        if (log.isEmpty()) return "no exceptions yet\n";
        StringBuilder sb = new StringBuilder(String.format("%12s  %-10s %-10s %-10s %-8s %s%n", "instret", "cause", "epc", "badvaddr", "context", "delivered to"));
        for (Debugger.TrapRecord t : log.subList(Math.max(0, log.size() - last), log.size())) {
            sb.append(String.format("%12d  %-10s 0x%08x %-10s %-8s %s%n", t.position(), t.cause().shortName, t.epc(),
                    t.cause().setsBadVaddr ? String.format("0x%08x", t.badVaddr()) : "-", t.context(), t.delivered()));
        }
        return sb.toString();
    }

    String stats() {
        Machine m = dbg.machine();
        StringBuilder sb = new StringBuilder(String.format("instructions %d   cycles %d   host TLB-cache misses %d%n", m.cpu.instret, m.cpu.cycles, m.mmu.hostMisses));
        for (Cause c : Cause.values()) {
            if (m.trapCounts[c.code] > 0) sb.append(String.format("  %-10s %d%n", c.shortName, m.trapCounts[c.code]));
        }
        return sb.toString();
    }
}
