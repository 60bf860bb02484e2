package exo.emulator.jit;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.RegisterCompare;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest code one translation covers: every instruction of one physical page reachable from
 * the entry through fall-through, conditional branches and plain jumps ({@code jal} with rd =
 * r0) whose targets stay in the page, up to a cap. Calls, indirect jumps,
 * {@code syscall}/{@code break}, invalid words, targets outside the page and instructions beyond
 * the cap end the region (they become exits or traps).
 *
 * <p>Instructions are split into basic blocks at leaders (the entry, branch targets,
 * fall-throughs after branches). Blocks are listed in address order, so any cycle in the
 * region's control flow contains an edge to a block at or before its source: those back-edges
 * are where the generated code checks its instruction allowance.
 */
final class Region {
    static final int WORDS = 1024;
    static final int PAGE = WORDS * 4;

    /** A basic block: instruction offsets [start, end) in bytes from the page base. */
    record Block(int start, int end) {
        int length() {
            return (end - start) >>> 2;
        }
    }

    final int entry;
    final int[] words;
    final boolean[] included = new boolean[WORDS];
    /** Words (at conditional breakpoints' page offsets) whose translation asks the machine first whether to stop. */
    final boolean[] tested;
    /** Per tested word, the comparisons to make before asking (null: none). */
    final RegisterCompare[][] prefilters;
    final List<Block> blocks = new ArrayList<>();
    int size;
    /** Guest registers the region reads or writes, and those it writes (bit i = register i). */
    int usedRegs, writtenRegs;

    private final boolean followBranches;

    private Region(int entry, int[] words, boolean followBranches, boolean[] tested, RegisterCompare[][] prefilters) {
        this.entry = entry;
        this.words = words;
        this.tested = tested;
        this.prefilters = prefilters;
        this.followBranches = followBranches;
    }

    /**
     * Discovers the region entered at byte offset entry of a page whose words are given, with at
     * most cap instructions; returns null if the entry word is not a valid instruction or is
     * excluded. Without followBranches the region is the entry's basic block alone. Excluded
     * words (at breakpoints' page offsets) end the region as invalid words do, so the PC reaches
     * one only in the dispatcher. Tested words are included, with the test before them (see
     * {@link Jit}).
     */
    static Region discover(int[] words, int entry, int cap, boolean followBranches, boolean[] excluded, boolean[] tested,
            RegisterCompare[][] prefilters) {
        if (Decoder.decode(words[entry >>> 2]) == null || excluded[entry >>> 2]) return null;
        Region r = new Region(entry, words, followBranches, tested, prefilters);
        boolean[] leader = new boolean[WORDS];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        leader[entry >>> 2] = true;
        work.add(entry);
        while (!work.isEmpty()) {
            int off = work.poll();
            while (off >= 0 && off < PAGE && r.size < cap) {
                if (r.included[off >>> 2]) {
                    leader[off >>> 2] = true; // a walk merged into earlier code: split there
                    break;
                }
                int w = words[off >>> 2];
                Opcode op = Decoder.decode(w);
                if (op == null || excluded[off >>> 2]) break;
                r.included[off >>> 2] = true;
                r.size++;
                r.noteRegisters(op, w);
                if (!op.isControl()) {
                    off += 4;
                    continue;
                }
                if (op.format == Format.BR) {
                    r.addLeader(off + 4, leader, work);
                    r.addLeader(off + Format.off16Bytes(w), leader, work);
                } else if (op == Opcode.JAL && Format.a(w) == 0) {
                    // A plain jump is followed; a call is not: the callee would drag its whole
                    // body (and its callees) into every caller's method. Calls exit, chained.
                    r.addLeader(off + Format.off21Bytes(w), leader, work);
                }
                break;
            }
        }
        r.splitBlocks(leader);
        return r;
    }

    private void addLeader(int off, boolean[] leader, ArrayDeque<Integer> work) {
        if (followBranches && off >= 0 && off < PAGE && !leader[off >>> 2]) {
            leader[off >>> 2] = true;
            work.add(off);
        }
    }

    private void splitBlocks(boolean[] leader) {
        int start = -1;
        for (int i = 0; i <= WORDS; i++) {
            boolean in = i < WORDS && included[i];
            if (start >= 0 && (!in || leader[i])) {
                blocks.add(new Block(start * 4, i * 4));
                start = -1;
            }
            if (!in) continue;
            if (start < 0) start = i;
            Opcode op = Decoder.decode(words[i]);
            if (op.isControl()) {
                blocks.add(new Block(start * 4, (i + 1) * 4));
                start = -1;
            }
        }
    }

    boolean contains(int off) {
        return off >= 0 && off < PAGE && included[off >>> 2];
    }

    private void noteRegisters(Opcode op, int w) {
        int a = 1 << Format.a(w), b = 1 << Format.b(w), c = 1 << Format.c(w);
        switch (op.format) {
            case R: usedRegs |= a | b | c; writtenRegs |= a; break;
            case RD: case U: case J: usedRegs |= a; writtenRegs |= a; break;
            case I: case IU: case SH: case LD: case JR: usedRegs |= a | b; writtenRegs |= a; break;
            case ST: case BR: usedRegs |= a | b; break;
            case SYS: break;
            default: throw new IllegalStateException("format " + op.format);
        }
        usedRegs &= ~1;
        writtenRegs &= ~1;
    }
}
