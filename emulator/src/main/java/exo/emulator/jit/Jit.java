package exo.emulator.jit;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Family;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Footprint;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Mmu;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.RegisterCompare;
import java.lang.invoke.MethodHandles;
import java.util.function.Consumer;

/**
 * The tiered engine: cold code runs in the {@link Interpreter} one basic block at a time, and a
 * block entry that has been dispatched {@code hotThreshold} times becomes the entry of a
 * translated {@link Region} (a hidden class, so unreachable translations are collected).
 *
 * <p>Invariants that keep it exactly equivalent to the interpreter:
 * <ul>
 *   <li>Every dispatch translates the PC through the MMU's fetch path (host cache, then TLB),
 *       and translations are looked up by the resulting physical address; a remapped virtual
 *       page never runs another page's code. Inside a region no TLB change can happen: the TLB
 *       changes only in the kernel, which runs only on a trap, and a trap ends the region.</li>
 *   <li>A translation's page is watched in {@link PhysicalMemory}; the first write to it drops
 *       every translation and heat counter of the page, and generated code re-dispatches after
 *       any store that hit a watched page, so the next instruction is always fetched fresh.</li>
 *   <li>A region is entered only when the instruction allowance (budget and timer deadline, as
 *       {@link Machine#run} computes it) covers a whole pass of it, and it re-checks the
 *       allowance on every back-edge; near a deadline the interpreter finishes the chunk.</li>
 *   <li>Breakpoints ({@link Machine#setBreakpoints}) are exact: a word whose page offset is some
 *       breakpoint's page offset is never translated and no interpreted block runs past one, so
 *       the PC reaches a breakpoint only at a dispatch, where the virtual PC is compared. Only
 *       page offsets are used for exclusion, so this holds for any virtual-to-physical mapping;
 *       changing the set drops every translation and cached block length.</li>
 *   <li>A conditional breakpoint ({@link Machine#setBreakpoints(int[], int[], RegisterCompare[][], Machine.BreakCondition)})
 *       is tested in place: a word at its page offset is translated with a call before it that
 *       stores the registers back and asks {@link Machine#stopBeforeInTranslation} with the
 *       virtual PC and the instructions retired so far; the region leaves at that word only if
 *       the condition holds, so a hit whose condition fails costs a call, not a dispatch.
 *       Comparisons of registers with constants that the condition needs
 *       ({@link Machine#necessaryAt}) are made first, from the JVM locals: where one fails the
 *       condition is false, and the call is not made (unless the machine
 *       {@link Machine#asksEveryArrival}).
 *       Interpreted blocks still end before such words, where the dispatcher asks. The
 *       dispatcher asks before entering any translation, so a translation entered at such a
 *       word runs it (its entry access may be primed): the machine had decided not to stop.</li>
 * </ul>
 */
public final class Jit implements Engine, PhysicalMemory.CodeWatcher {
    /**
     * Bytecode budget per generated method: well under HotSpot's 8000-byte limit for compiling
     * at all, and small enough that C1's linear-scan allocator does not give up on it (at 6000
     * bytes it did, leaving hot translations in the bytecode interpreter).
     */
    public static final int METHOD_LIMIT = 3000;

    private static final int PAGE_WORDS = PhysicalMemory.PAGE_SIZE / 4;

    /**
     * Heat added per dispatch of an entry no translation covers, and of one inside a translated
     * region (a loop resumed mid-body after an interrupt or a fault). Mid-region entries heat
     * up this many times slower: the interpreter runs one block and reaches the region's own
     * entry, instead of every instruction of a hot loop becoming another copy of the loop for
     * HotSpot to compile. An entry that really is hot still gets translated eventually.
     */
    private static final int HEAT_UNCOVERED = 256, HEAT_COVERED = 1;

    /** Per physical page: translations by entry word, heat counters, cached block lengths. */
    private static final class CodePage {
        final Translation[] entries = new Translation[PAGE_WORDS];
        final int[] heat = new int[PAGE_WORDS];
        final short[] blockLength = new short[PAGE_WORDS];
        /** Words included in some translation of this page. */
        final boolean[] covered = new boolean[PAGE_WORDS];
    }

    private final Interpreter interpreter = new Interpreter();
    private final JitOptions options;
    private final int hotThreshold;
    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    private Machine machine;
    private CodePage[] pages;
    private Consumer<byte[]> classObserver;
    /** Word offsets within a page that some breakpoint has: never translated, ending blocks. */
    private boolean[] breakWords = new boolean[PAGE_WORDS];
    /** Word offsets that some conditional breakpoint has (and no other): translated with the test before them. */
    private boolean[] conditionWords = new boolean[PAGE_WORDS];
    /**
     * Per offset in conditionWords, the comparisons its breakpoint's condition needs
     * ({@link Machine#necessaryAt}), tested in the translation before asking; null where none
     * are known, or where two conditional breakpoints share the offset.
     */
    private RegisterCompare[][] prefilters = new RegisterCompare[PAGE_WORDS][];
    /** Offsets that end interpreted blocks: the union of the two. */
    private boolean[] blockEnds = new boolean[PAGE_WORDS];

    /**
     * Set when a watched (code) page is written; generated code tests it after every store and
     * leaves the region, so code modified under a running translation is never executed stale.
     */
    boolean codeWritten;

    private long regionsTranslated, instructionsTranslated, invalidations, translateNanos, resizes;
    private int largestMethod;
    private long translatedInstructions, interpretedInstructions, dispatches, linkedDispatches;

    public Jit() {
        this(JitOptions.DEFAULT);
    }

    public Jit(JitOptions options) {
        this.options = options;
        this.hotThreshold = options.hotThreshold();
    }

    public JitOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "jit";
    }

    @Override
    public String toString() {
        return name();
    }

    /** Receives every generated class file before it is defined (tests verify them). */
    public void setClassObserver(Consumer<byte[]> observer) {
        this.classObserver = observer;
    }

    public JitStats stats() {
        return new JitStats(regionsTranslated, instructionsTranslated, invalidations, translateNanos, resizes, largestMethod,
                translatedInstructions, interpretedInstructions, dispatches, linkedDispatches);
    }

    private void attach(Machine m) {
        machine = m;
        m.memory.setCodeWatcher(this);
        breakpointsChanged(m);
    }

    /** Drops every translation and cached block length, and notes the breakpoints' page offsets. */
    @Override
    public void breakpointsChanged(Machine m) {
        if (machine != m) {
            attach(m);
            return;
        }
        if (pages != null) {
            for (CodePage page : pages) {
                if (page == null) continue;
                for (Translation t : page.entries) {
                    if (t != null) t.valid = false;
                }
            }
        }
        pages = new CodePage[m.memory.pages()];
        boolean[] words = new boolean[PAGE_WORDS], tested = new boolean[PAGE_WORDS], ends = new boolean[PAGE_WORDS];
        RegisterCompare[][] known = new RegisterCompare[PAGE_WORDS][];
        for (int pc : m.breakpoints()) words[(pc & PhysicalMemory.PAGE_MASK) >>> 2] = true;
        for (int pc : m.conditionalBreakpoints()) {
            int i = (pc & PhysicalMemory.PAGE_MASK) >>> 2;
            known[i] = tested[i] ? null : m.necessaryAt(pc); // two at one offset: no comparison holds for both
            tested[i] = true;
        }
        for (int i = 0; i < PAGE_WORDS; i++) {
            tested[i] &= !words[i]; // an unconditional breakpoint at the same page offset elsewhere wins
            ends[i] = words[i] || tested[i];
        }
        breakWords = words;
        conditionWords = tested;
        prefilters = known;
        blockEnds = ends;
    }

    @Override
    public void codePageWritten(int ppn) {
        CodePage page = pages[ppn];
        if (page == null) return;
        pages[ppn] = null;
        codeWritten = true;
        for (Translation t : page.entries) {
            if (t != null) {
                t.valid = false;
                invalidations++;
            }
        }
    }

    /**
     * Runs up to n instructions with no event due (the {@link Engine#runChunk} contract):
     * translated regions where they exist, the interpreter a basic block at a time elsewhere;
     * returns early after a trap.
     */
    @Override
    public void runChunk(Machine m, int n) {
        if (machine != m) attach(m);
        Cpu cpu = m.cpu;
        Mmu mmu = m.mmu;
        boolean breaks = m.breakpointsLive();
        Footprint footprint = m.footprint();
        Translation prev = null;
        int prevExit = -1;
        while (n > 0) {
            int pc = cpu.pc;
            if (breaks && m.stopBefore(pc)) return;
            if ((pc & 3) != 0) {
                m.raise(Cause.ADDR_FETCH, pc, pc);
                return;
            }
            int pa = mmu.fetch(pc);
            if (pa == Mmu.FAULT) {
                m.raise(mmu.fault, pc, pc);
                return;
            }
            Translation t = null;
            if (prevExit >= 0) {
                t = prev.links[prevExit];
                if (t != null && (t.pa != pa || !t.valid)) t = null;
                if (t != null) linkedDispatches++;
            }
            if (t == null) {
                t = lookup(pa);
                if (t != null && prevExit >= 0) prev.links[prevExit] = t;
            }
            if (t == null || t.size > n) {
                int done = interpretBlock(m, pa, n);
                if (done < 0) return;
                n -= done;
                prev = null;
                prevExit = -1;
                continue;
            }
            if (footprint != null && t.recordedIn != footprint) {
                t.recordedIn = footprint;
                footprint.ran(t.pa >>> PhysicalMemory.PAGE_SHIFT, t.words);
            }
            if (t.entryKind >= 0) primeEntry(cpu, mmu, t);
            long before = cpu.instret;
            codeWritten = false;
            dispatches++;
            int exit = t.execute(this, m, n, pc & ~PhysicalMemory.PAGE_MASK);
            long done = cpu.instret - before;
            translatedInstructions += done;
            if (exit == Translation.TRAPPED) return;
            n -= (int) done;
            prev = t;
            prevExit = exit;
        }
    }

    /**
     * Fills the host-cache line that t's entry instruction, a load or store, is about to need
     * (see {@link Mmu#prime}), so that a translation re-entered at an access that just missed
     * the TLB (the kernel refilled the TLB, not the host cache) does not miss once more, take
     * its slow path and leave at once for another dispatch: the sieve's marking loop, entered at
     * its store after every refill. Exact because the access is the next thing the machine does:
     * t is entered right after this, and its first instruction computes the same address from
     * the same registers. A misaligned address is left to the instruction, which traps.
     */
    private static void primeEntry(Cpu cpu, Mmu mmu, Translation t) {
        int va = (t.entryBase == 0 ? 0 : cpu.regs[t.entryBase]) + t.entryOffset;
        if ((va & (t.entrySize - 1)) == 0) mmu.prime(va, t.entryKind);
    }

    /** The translation entered at pa, translating it first if it just became hot; or null. */
    private Translation lookup(int pa) {
        CodePage page = pages[pa >>> PhysicalMemory.PAGE_SHIFT];
        if (page == null) return null;
        int i = (pa & PhysicalMemory.PAGE_MASK) >>> 2;
        Translation t = page.entries[i];
        if (t != null || page.heat[i] < hotThreshold * HEAT_UNCOVERED) return t;
        page.heat[i] = Integer.MIN_VALUE; // translate once; an untranslatable entry stays cold
        t = translate(pa, page.covered);
        page.entries[i] = t;
        return t;
    }

    /**
     * Interprets the basic block at pa (at most n instructions) and warms its entry. Returns the
     * instructions retired, or -1 after a trap.
     */
    private int interpretBlock(Machine m, int pa, int n) {
        int ppn = pa >>> PhysicalMemory.PAGE_SHIFT;
        CodePage page = pages[ppn];
        if (page == null) {
            page = new CodePage();
            pages[ppn] = page;
            m.memory.watchCode(ppn); // heat and block lengths describe the page's current words
        }
        int i = (pa & PhysicalMemory.PAGE_MASK) >>> 2;
        if (page.heat[i] >= 0) page.heat[i] += page.covered[i] ? HEAT_COVERED : HEAT_UNCOVERED;
        int len = page.blockLength[i];
        if (len == 0) {
            len = scanBlock(m.memory, pa, blockEnds);
            page.blockLength[i] = (short) len;
        }
        int want = Math.min(n, len);
        long before = m.cpu.instret;
        codeWritten = false;
        interpreter.execute(m, want);
        int done = (int) (m.cpu.instret - before);
        interpretedInstructions += done;
        Footprint footprint = m.footprint();
        if (footprint != null) {
            // The block runs straight on from pa unless a store rewrote code under it.
            if (codeWritten) footprint.coarse();
            else footprint.ran(pa, done);
        }
        // A trap stops the interpreter before the faulting instruction retires.
        return done < want ? -1 : done;
    }

    /**
     * Instructions from pa to the end of its basic block (control or invalid word included), or
     * to just before the next word at a breakpoint's page offset (ends).
     */
    private static int scanBlock(PhysicalMemory mem, int pa, boolean[] ends) {
        int len = 0;
        for (int a = pa; ; a += 4) {
            len++;
            Opcode op = Decoder.decode(mem.readWord(a));
            int next = a + 4;
            if (op == null || op.isControl() || (next & PhysicalMemory.PAGE_MASK) == 0
                    || ends[(next & PhysicalMemory.PAGE_MASK) >>> 2]) return len;
        }
    }

    private Translation translate(int pa, boolean[] covered) {
        long start = System.nanoTime();
        PhysicalMemory mem = machine.memory;
        int pageBase = pa & ~PhysicalMemory.PAGE_MASK;
        int[] words = new int[PAGE_WORDS];
        for (int i = 0; i < PAGE_WORDS; i++) words[i] = mem.readWord(pageBase + 4 * i);
        int entry = pa & PhysicalMemory.PAGE_MASK;
        int cap = options.regionCap();
        try {
            while (true) {
                Region region = Region.discover(words, entry, cap, options.regions(), breakWords, conditionWords, prefilters);
                if (region == null) return null;
                Emitter.Emitted emitted;
                try {
                    emitted = Emitter.emit(region, "exo/emulator/jit/Region_" + Integer.toHexString(pa), options, METHOD_LIMIT);
                } catch (Emitter.MethodTooLarge tooLarge) {
                    // Shrink the region in proportion and emit again.
                    if (region.size == 1) throw new IllegalStateException("one instruction: " + tooLarge.getMessage());
                    resizes++;
                    cap = Math.max(1, Math.min(region.size - 1, (int) ((long) region.size * METHOD_LIMIT / tooLarge.codeSize) - 4));
                    continue;
                }
                if (classObserver != null) classObserver.accept(emitted.classFile());
                Translation t = define(emitted.classFile());
                t.pa = pa;
                t.size = region.size;
                t.links = new Translation[emitted.exits()];
                Opcode first = Decoder.decode(words[entry >>> 2]);
                if (first != null && (first.family == Family.LOAD || first.family == Family.STORE)) {
                    int w = words[entry >>> 2];
                    t.entryKind = first.family == Family.LOAD ? Mmu.LOAD : Mmu.STORE;
                    t.entryBase = Format.b(w);
                    t.entryOffset = Format.simm16(w);
                    t.entrySize = first.width.bytes;
                }
                t.words = new long[PAGE_WORDS / 64];
                for (int i = 0; i < PAGE_WORDS; i++) if (region.included[i]) t.words[i >>> 6] |= 1L << i;
                for (int i = 0; i < PAGE_WORDS; i++) covered[i] |= region.included[i];
                regionsTranslated++;
                instructionsTranslated += region.size;
                largestMethod = Math.max(largestMethod, emitted.codeSize());
                return t;
            }
        } finally {
            translateNanos += System.nanoTime() - start;
        }
    }

    private Translation define(byte[] bytes) {
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClass(bytes, true);
            return (Translation) hidden.lookupClass().getDeclaredConstructor().newInstance();
        } catch (Throwable e) {
            throw new IllegalStateException("generated translation failed to load: " + e, e);
        }
    }
}
