package exo.emulator.machine;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.brk;
import static exo.emulator.TestMachine.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.isa.Opcode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest TLB: matching, replacement, the referenced bit, and permissions through the MMU. */
class TlbTest {
    static final int RW = Tlb.VALID | Tlb.WRITABLE;

    private static Machine machine() {
        return new Machine(1 << 20, 42, Console.capturing(new java.io.ByteArrayOutputStream()));
    }

    @Test
    void entriesMatchTheirAsidOnly() {
        Machine m = machine();
        m.tlb.write(3, 0x10, 5, 0x20, RW);
        m.setAsid(5);
        assertEquals(0x20123, outcome(m, m.mmu.load(0x10123)));
        m.setAsid(6);
        assertEquals(-Cause.TLB_MISS_LOAD.code, outcome(m, m.mmu.load(0x10123)));
        assertEquals(-Cause.TLB_MISS_STORE.code, outcome(m, m.mmu.store(0x10123)));
        assertEquals(-Cause.TLB_MISS_FETCH.code, outcome(m, m.mmu.fetch(0x10120)));
        m.setAsid(5 + 256);
        assertEquals(5, m.mmu.asid(), "ASIDs are 8 bits");
        assertEquals(0x20123, outcome(m, m.mmu.load(0x10123)));
    }

    @Test
    void globalEntriesMatchEveryAsid() {
        Machine m = machine();
        m.tlb.write(0, 0x10, 5, 0x20, RW | Tlb.GLOBAL);
        for (int asid : new int[] {0, 5, 6, 255}) {
            m.setAsid(asid);
            assertEquals(0x20004, outcome(m, m.mmu.store(0x10004)), "asid " + asid);
        }
        m.tlb.flushAsid(5);
        assertTrue(m.tlb.isValid(0), "flushAsid keeps global entries");
        m.tlb.flushAll();
        assertFalse(m.tlb.isValid(0));
    }

    @Test
    void flushAsidDropsOnlyThatAsid() {
        Machine m = machine();
        m.tlb.write(0, 0x10, 5, 0x20, RW);
        m.tlb.write(1, 0x11, 6, 0x21, RW);
        m.tlb.flushAsid(5 + 256);
        assertFalse(m.tlb.isValid(0));
        assertTrue(m.tlb.isValid(1));
    }

    @Test
    void writeMasksFieldsAndStartsUnreferenced() {
        Machine m = machine();
        m.tlb.write(63, 0xFFFFFFFF, 0x1FF, 0x123456, 0xFF);
        assertEquals(0xFFFFF, m.tlb.vpn(63));
        assertEquals(0xFF, m.tlb.asid(63));
        assertEquals(0x23456, m.tlb.pfn(63));
        assertEquals(Tlb.WRITE_FLAGS, m.tlb.flags(63), "the referenced bit cannot be written");
        assertThrows(IllegalArgumentException.class, () -> m.tlb.write(64, 0, 0, 0, RW));
        assertThrows(IllegalArgumentException.class, () -> m.tlb.invalidate(-1));
        assertEquals("VWXGN-", Tlb.flagString(Tlb.WRITE_FLAGS));
    }

    @Test
    void replacementFillsInvalidSlotsThenFollowsTheSeed() {
        Machine a = machine(), b = machine();
        List<Integer> slotsA = new ArrayList<>(), slotsB = new ArrayList<>();
        for (int vpn = 0; vpn < 300; vpn++) {
            slotsA.add(a.tlb.writeReplacing(vpn, 1, vpn, RW));
            slotsB.add(b.tlb.writeReplacing(vpn, 1, vpn, RW));
        }
        for (int i = 0; i < Tlb.SIZE; i++) assertEquals(i, slotsA.get(i), "invalid slots first, in order");
        assertEquals(slotsA, slotsB, "same seed, same victims");

        Machine c = new Machine(1 << 20, 43, Console.capturing(new java.io.ByteArrayOutputStream()));
        List<Integer> slotsC = new ArrayList<>();
        for (int vpn = 0; vpn < 300; vpn++) slotsC.add(c.tlb.writeReplacing(vpn, 1, vpn, RW));
        assertNotEquals(slotsA, slotsC, "another seed, other victims");

        a.tlb.reseed(42);
        b.tlb.reseed(42);
        for (int vpn = 1000; vpn < 1100; vpn++) assertEquals(a.tlb.writeReplacing(vpn, 1, vpn, RW), b.tlb.writeReplacing(vpn, 1, vpn, RW));
    }

    @Test
    void replacementReusesTheSlotOfTheSamePage() {
        Machine m = machine();
        int first = m.tlb.writeReplacing(0x10, 1, 0x20, RW);
        m.tlb.writeReplacing(0x11, 1, 0x21, RW);
        assertEquals(first, m.tlb.writeReplacing(0x10, 1, 0x30, Tlb.VALID), "never two entries for one page");
        m.setAsid(1);
        assertEquals(0x30000, outcome(m, m.mmu.load(0x10000)));
        assertEquals(-Cause.PROT_STORE.code, outcome(m, m.mmu.store(0x10000)));
        int other = m.tlb.writeReplacing(0x10, 2, 0x40, RW);
        assertNotEquals(first, other, "another ASID is another page");
    }

    @Test
    void hardwareSetsTheReferencedBitOnUseOnly() {
        Machine m = machine();
        m.tlb.write(7, 0x10, 0, 0x20, Tlb.VALID);
        assertEquals(0, m.tlb.flags(7) & Tlb.REFERENCED);
        assertEquals(0x20000, m.mmu.peek(0x10000, Mmu.LOAD));
        assertEquals(0, m.tlb.flags(7) & Tlb.REFERENCED, "peek has no side effects");
        assertFalse(m.mmu.hostCached(0x10000, Mmu.LOAD), "peek fills nothing");
        assertEquals(-Cause.PROT_STORE.code, outcome(m, m.mmu.store(0x10000)));
        assertEquals(0, m.tlb.flags(7) & Tlb.REFERENCED, "a refused access does not reference");
        assertEquals(0x20008, outcome(m, m.mmu.load(0x10008)));
        assertEquals(Tlb.REFERENCED, m.tlb.flags(7) & Tlb.REFERENCED);
        m.tlb.clearReferenced(7);
        assertEquals(0, m.tlb.flags(7) & Tlb.REFERENCED);
        assertEquals(0x20010, outcome(m, m.mmu.load(0x10010)));
        assertEquals(Tlb.REFERENCED, m.tlb.flags(7) & Tlb.REFERENCED, "set again: the host cache was dropped");
    }

    @Test
    void referencedBitIsSetByGuestInstructions() {
        TestMachine t = new TestMachine();
        Tlb tlb = t.machine.tlb;
        tlb.write(0, CODE >>> 12, 0, CODE >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
        tlb.write(1, 0x9, 0, 0x9, RW);
        tlb.write(2, 0xA, 0, 0xA, RW);
        t.set(T0, 0x9000);
        t.load(Opcode.LW.encode(T1, 0, T0), brk()).run();
        assertTrue((tlb.flags(0) & Tlb.REFERENCED) != 0, "fetch");
        assertTrue((tlb.flags(1) & Tlb.REFERENCED) != 0, "load");
        assertEquals(0, tlb.flags(2) & Tlb.REFERENCED, "untouched page");
    }

    @Test
    void permissions() {
        Machine m = machine();
        m.tlb.write(0, 1, 0, 1, Tlb.VALID);
        m.tlb.write(1, 2, 0, 2, Tlb.VALID | Tlb.WRITABLE);
        m.tlb.write(2, 3, 0, 3, Tlb.VALID | Tlb.EXECUTABLE);
        m.tlb.write(3, 4, 0, 0x100, Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE);
        m.tlb.write(4, 5, 0, 5, Tlb.WRITABLE | Tlb.EXECUTABLE);
        assertEquals(0x1000, outcome(m, m.mmu.load(0x1000)), "valid means readable");
        assertEquals(-Cause.PROT_STORE.code, outcome(m, m.mmu.store(0x1000)));
        assertEquals(-Cause.PROT_FETCH.code, outcome(m, m.mmu.fetch(0x1000)));
        assertEquals(0x2000, outcome(m, m.mmu.store(0x2000)));
        assertEquals(-Cause.PROT_FETCH.code, outcome(m, m.mmu.fetch(0x2000)));
        assertEquals(0x3000, outcome(m, m.mmu.fetch(0x3000)));
        assertEquals(-Cause.PROT_STORE.code, outcome(m, m.mmu.store(0x3000)));
        assertEquals(-Cause.BUS_ERROR.code, outcome(m, m.mmu.load(0x4000)), "pfn 0x100 is past 1 MiB");
        assertEquals(-Cause.BUS_ERROR.code, outcome(m, m.mmu.store(0x4000)));
        assertEquals(-Cause.BUS_ERROR.code, outcome(m, m.mmu.fetch(0x4000)));
        assertEquals(0, m.tlb.flags(3) & Tlb.REFERENCED, "a bus error does not reference");
        assertEquals(-Cause.TLB_MISS_LOAD.code, outcome(m, m.mmu.load(0x5000)), "an invalid entry does not translate");
        m.tlb.write(5, 6, 0, 0xFF, Tlb.VALID);
        assertEquals(0xFFFFC, outcome(m, m.mmu.load(0x6FFC)), "the last installed page");
    }

    /** The slot a scan in slot order finds: the reference for the indexed lookup. */
    private static int scan(Tlb t, int vpn, int asid) {
        for (int i = 0; i < Tlb.SIZE; i++) {
            int f = t.flags(i);
            if ((f & Tlb.VALID) != 0 && t.vpn(i) == vpn && ((f & Tlb.GLOBAL) != 0 || t.asid(i) == asid)) return i;
        }
        return -1;
    }

    @Test
    void lowestSlotIsTheLowestSetBit() {
        java.util.Random rnd = new java.util.Random(11);
        for (int i = 0; i < 64; i++) assertEquals(i, Tlb.lowestSlot(1L << i));
        for (int k = 0; k < 100_000; k++) {
            long m = rnd.nextLong() >>> rnd.nextInt(64) << rnd.nextInt(64);
            if (m != 0) assertEquals(Long.numberOfTrailingZeros(m), Tlb.lowestSlot(m), Long.toHexString(m));
        }
    }

    @Test
    void indexedLookupAgreesWithAScanInSlotOrder() {
        java.util.Random rnd = new java.util.Random(7);
        Tlb t = machine().tlb;
        for (int step = 0; step < 200_000; step++) {
            // Few pages and ASIDs, some aliasing bucket lines, so duplicates and globals collide.
            int vpn = rnd.nextInt(8) + (rnd.nextBoolean() ? 0 : 0x100 * rnd.nextInt(4));
            int asid = rnd.nextInt(3);
            int flags = Tlb.VALID | (rnd.nextInt(6) == 0 ? Tlb.GLOBAL : 0);
            switch (rnd.nextInt(8)) {
                case 0: t.write(rnd.nextInt(Tlb.SIZE), vpn, asid, 1, rnd.nextInt(5) == 0 ? 0 : flags); break;
                case 1: case 2: t.writeReplacing(vpn, asid, 1, flags); break;
                case 3: t.invalidate(rnd.nextInt(Tlb.SIZE)); break;
                case 4: if (rnd.nextInt(50) == 0) t.flushAll(); else t.flushAsid(asid); break;
                case 5: t.clearReferenced(rnd.nextInt(Tlb.SIZE)); break;
                default: break;
            }
            for (int v = 0; v < 8; v++) {
                assertEquals(scan(t, v, asid), t.lookup(v, asid), "step " + step + " vpn " + v);
                assertEquals(scan(t, v + 0x100, asid), t.lookup(v + 0x100, asid), "step " + step + " vpn " + (v + 0x100));
            }
        }
    }
}
