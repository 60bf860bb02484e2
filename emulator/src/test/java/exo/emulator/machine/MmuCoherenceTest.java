package exo.emulator.machine;

import static exo.emulator.TestMachine.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host-side translation cache only ever mirrors the guest TLB: after every kind of TLB
 * change, a lookup gives what the guest TLB says now, never a translation it no longer holds.
 */
class MmuCoherenceTest {
    static final int ALL = Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE;
    static final int VA = 0x10008;

    private static Machine warmed() {
        Machine m = new Machine(1 << 20, 42, Console.capturing(new java.io.ByteArrayOutputStream()));
        m.setAsid(1);
        m.tlb.write(9, 0x10, 1, 0x20, ALL);
        assertEquals(0x20008, outcome(m, m.mmu.load(VA)));
        assertEquals(0x20008, outcome(m, m.mmu.store(VA)));
        assertEquals(0x20008, outcome(m, m.mmu.fetch(VA)));
        for (int kind = 0; kind < 3; kind++) assertTrue(m.mmu.hostCached(VA, kind));
        return m;
    }

    /**
     * A load or store line carries the array of its physical page (translated code indexes it
     * directly): the page's own array, materialised before the line was filled, so a store
     * through it is the page's contents and a later write elsewhere in the page is seen by it.
     */
    @Test
    void aLineCarriesItsPagesArray() {
        Machine m = warmed();
        int line = (VA >>> PhysicalMemory.PAGE_SHIFT) & Mmu.HOST_MASK;
        assertTrue(m.mmu.loadPage[line] == m.memory.page(0x20), "load line's array");
        assertTrue(m.mmu.storePage[line] == m.memory.page(0x20), "store line's array");
        PhysicalMemory.writeWord(m.mmu.storePage[line], VA & PhysicalMemory.PAGE_MASK, 0x12345678);
        assertEquals(0x12345678, m.memory.readWord(0x20008));
        m.memory.writeWord(0x2000C, -2);
        assertEquals(-2, PhysicalMemory.readWord(m.mmu.loadPage[line], 0xC));
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("rewrite the slot to another page", (Consumer<Machine>) m -> m.tlb.write(9, 0x11, 1, 0x20, ALL)),
                Arguments.of("rewrite the slot to another ASID", (Consumer<Machine>) m -> m.tlb.write(9, 0x10, 2, 0x20, ALL)),
                Arguments.of("invalidate", (Consumer<Machine>) m -> m.tlb.invalidate(9)),
                Arguments.of("flushAsid", (Consumer<Machine>) m -> m.tlb.flushAsid(1)),
                Arguments.of("flushAll", (Consumer<Machine>) m -> m.tlb.flushAll()),
                Arguments.of("ASID change", (Consumer<Machine>) m -> m.setAsid(2)),
                Arguments.of("evicted by replacement", (Consumer<Machine>) m -> {
                    for (int vpn = 0x100; m.tlb.isValid(9) && m.tlb.vpn(9) == 0x10; vpn++) m.tlb.writeReplacing(vpn, 1, 1, ALL);
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void aDroppedEntryIsGoneFromTheHostCache(String name, Consumer<Machine> change) {
        Machine m = warmed();
        change.accept(m);
        for (int kind = 0; kind < 3; kind++) {
            assertFalse(m.mmu.hostCached(VA, kind), name + ": kind " + kind + " still cached");
        }
        assertEquals(-Cause.TLB_MISS_LOAD.code, outcome(m, m.mmu.load(VA)));
        assertEquals(-Cause.TLB_MISS_STORE.code, outcome(m, m.mmu.store(VA)));
        assertEquals(-Cause.TLB_MISS_FETCH.code, outcome(m, m.mmu.fetch(VA)));
    }

    @Test
    void narrowedRightsAreSeenAtOnce() {
        Machine m = warmed();
        m.tlb.write(9, 0x10, 1, 0x30, Tlb.VALID);
        assertEquals(-Cause.PROT_STORE.code, outcome(m, m.mmu.store(VA)));
        assertEquals(-Cause.PROT_FETCH.code, outcome(m, m.mmu.fetch(VA)));
        assertEquals(0x30008, outcome(m, m.mmu.load(VA)), "and the new frame");
    }

    @Test
    void clearingTheReferencedBitDropsTheLines() {
        Machine m = warmed();
        m.tlb.clearReferenced(9);
        for (int kind = 0; kind < 3; kind++) assertFalse(m.mmu.hostCached(VA, kind));
    }

    /** Store lines never map a page watched for translated code, so a store hit needs no check. */
    @Test
    void storeLinesNeverMapAWatchedPage() {
        Machine m = warmed();
        m.memory.watchCode(0x20);
        assertFalse(m.mmu.hostCached(VA, Mmu.STORE), "watching the page dropped its store line");
        assertTrue(m.mmu.hostCached(VA, Mmu.LOAD) && m.mmu.hostCached(VA, Mmu.FETCH), "loads and fetches keep theirs");
        assertEquals(0x20008, outcome(m, m.mmu.store(VA)), "the store still translates");
        assertFalse(m.mmu.hostCached(VA, Mmu.STORE), "but is not cached while the page is watched");
        m.memory.writeWord(0x20008, 1); // the first write ends the watch
        assertEquals(0x20008, outcome(m, m.mmu.store(VA)));
        assertTrue(m.mmu.hostCached(VA, Mmu.STORE), "an unwatched page is cached again");
    }

    /** A machine with one entry, vpn 0x10 -> page 0x20 with flags, in slot 9, and no host-cache line yet. */
    private static Machine mapped(int flags) {
        Machine m = new Machine(1 << 20, 42, Console.capturing(new java.io.ByteArrayOutputStream()));
        m.setAsid(1);
        m.tlb.write(9, 0x10, 1, 0x20, flags);
        return m;
    }

    /**
     * Filling the line an access will need (the JIT's dispatcher, before entering a translation
     * at a load or store) leaves the machine exactly as that access's own translation would:
     * the line, the referenced bit, the slow-path count; and then the access hits.
     */
    @Test
    void primingIsTheAccessesOwnTranslation() {
        for (int kind : new int[] {Mmu.LOAD, Mmu.STORE}) {
            Machine primed = mapped(ALL), plain = mapped(ALL);
            primed.mmu.prime(VA, kind);
            assertTrue(primed.mmu.hostCached(VA, kind), "kind " + kind + ": the line is filled");
            long misses = primed.mmu.hostMisses;
            assertEquals(0x20008, outcome(primed, kind == Mmu.LOAD ? primed.mmu.load(VA) : primed.mmu.store(VA)));
            assertEquals(misses, primed.mmu.hostMisses, "the access then hits");
            assertEquals(0x20008, outcome(plain, kind == Mmu.LOAD ? plain.mmu.load(VA) : plain.mmu.store(VA)));
            assertEquals(plain.tlb.flags(9), primed.tlb.flags(9), "kind " + kind + ": referenced as by the access");
            assertEquals(plain.mmu.hostMisses, primed.mmu.hostMisses);
            assertTrue(plain.mmu.hostCached(VA, kind) && primed.mmu.hostCached(VA, Mmu.LOAD) == plain.mmu.hostCached(VA, Mmu.LOAD)
                    && primed.mmu.hostCached(VA, Mmu.STORE) == plain.mmu.hostCached(VA, Mmu.STORE));
        }
    }

    /**
     * Where the access would fault, or would take the slow path anyway, priming changes nothing:
     * no line, no referenced bit, no count, no fault recorded; the access itself does all that.
     */
    @Test
    void primingLeavesFaultsAndSlowPathsToTheAccess() {
        record Case(String name, int flags, int kind, Consumer<Machine> setUp) {}
        Case[] cases = {
            new Case("no entry", 0, Mmu.LOAD, m -> m.tlb.invalidate(9)),
            new Case("store to a read-only page", Tlb.VALID, Mmu.STORE, m -> {}),
            new Case("store to a page of translated code", ALL, Mmu.STORE, m -> m.memory.watchCode(0x20)),
            new Case("a debugger-watched page", ALL, Mmu.LOAD, m -> m.setWatchedPages(new int[] {0x10})),
        };
        for (Case c : cases) {
            Machine m = mapped(c.flags() == 0 ? ALL : c.flags());
            c.setUp().accept(m);
            int flags = m.tlb.flags(9);
            m.mmu.fault = null;
            m.mmu.prime(VA, c.kind());
            assertFalse(m.mmu.hostCached(VA, c.kind()), c.name() + ": no line");
            assertEquals(flags, m.tlb.flags(9), c.name() + ": not referenced");
            assertEquals(0, m.mmu.hostMisses, c.name() + ": not counted");
            assertEquals(null, m.mmu.fault, c.name() + ": no fault recorded");
        }
    }

    @Test
    void lineConflictsReplaceButNeverAlias() {
        Machine m = warmed();
        int alias = VA + (Mmu.HOST_LINES << 12);
        m.tlb.write(10, alias >>> 12, 1, 0x40, ALL);
        assertEquals(0x40008, outcome(m, m.mmu.load(alias)));
        assertFalse(m.mmu.hostCached(VA, Mmu.LOAD), "the line now holds the alias");
        assertEquals(0x20008, outcome(m, m.mmu.load(VA)));
    }

    /**
     * Random TLB operations and accesses against a reference that scans the TLB every time: every
     * answer of the MMU (cached or not) must equal the reference, and every successful access
     * must leave the entry referenced.
     */
    @Test
    void randomOperationsAgreeWithAFreshLookup() {
        Random rnd = new Random(2024);
        Machine m = new Machine(64 * 4096, 7, Console.capturing(new java.io.ByteArrayOutputStream()));
        int[] flagChoices = {Tlb.VALID, Tlb.VALID | Tlb.WRITABLE, Tlb.VALID | Tlb.EXECUTABLE, ALL, ALL | Tlb.GLOBAL,
                Tlb.VALID | Tlb.GLOBAL, 0, ALL | Tlb.NOCACHE};
        for (int step = 0; step < 200_000; step++) {
            int op = rnd.nextInt(100);
            // Few pages and few ASIDs, and pages 0 and 256 share a host line, so conflicts happen.
            int vpn = rnd.nextBoolean() ? rnd.nextInt(8) : 256 + rnd.nextInt(8);
            int asid = rnd.nextInt(3);
            if (op < 8) {
                m.tlb.write(rnd.nextInt(Tlb.SIZE), vpn, asid, rnd.nextInt(70), flagChoices[rnd.nextInt(flagChoices.length)]);
            } else if (op < 14) {
                m.tlb.writeReplacing(vpn, asid, rnd.nextInt(70), flagChoices[rnd.nextInt(flagChoices.length)]);
            } else if (op < 16) {
                m.tlb.invalidate(rnd.nextInt(Tlb.SIZE));
            } else if (op < 17) {
                m.tlb.flushAsid(asid);
            } else if (op == 17 && rnd.nextInt(10) == 0) {
                m.tlb.flushAll();
            } else if (op < 21) {
                m.tlb.clearReferenced(rnd.nextInt(Tlb.SIZE));
            } else if (op < 24) {
                m.setAsid(asid);
            } else {
                int kind = rnd.nextInt(3);
                int va = vpn << 12 | (rnd.nextInt(1024) << 2);
                int expected = reference(m, va, kind);
                int got = kind == Mmu.LOAD ? outcome(m, m.mmu.load(va)) : kind == Mmu.STORE ? outcome(m, m.mmu.store(va)) : outcome(m, m.mmu.fetch(va));
                assertEquals(expected, got, "step " + step + " kind " + kind + " va 0x" + Integer.toHexString(va));
                if (got >= 0) {
                    int slot = m.tlb.lookup(vpn, m.mmu.asid());
                    assertTrue((m.tlb.flags(slot) & Tlb.REFERENCED) != 0, "step " + step + ": not referenced");
                }
            }
        }
    }

    /** The architectural answer, from a scan of the guest TLB alone. */
    private static int reference(Machine m, int va, int kind) {
        Tlb tlb = m.tlb;
        int vpn = va >>> 12;
        for (int i = 0; i < Tlb.SIZE; i++) {
            int f = tlb.flags(i);
            if ((f & Tlb.VALID) == 0 || tlb.vpn(i) != vpn || ((f & Tlb.GLOBAL) == 0 && tlb.asid(i) != m.mmu.asid())) continue;
            if (kind == Mmu.STORE && (f & Tlb.WRITABLE) == 0) return -Cause.PROT_STORE.code;
            if (kind == Mmu.FETCH && (f & Tlb.EXECUTABLE) == 0) return -Cause.PROT_FETCH.code;
            if (tlb.pfn(i) >= m.memory.pages()) return -Cause.BUS_ERROR.code;
            return tlb.pfn(i) << 12 | (va & 0xFFF);
        }
        return -Mmu.missCause(kind).code;
    }
}
