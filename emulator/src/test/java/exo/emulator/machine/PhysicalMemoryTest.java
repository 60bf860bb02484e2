package exo.emulator.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhysicalMemoryTest {
    @Test
    void littleEndianAccessesOfEveryWidth() {
        PhysicalMemory m = new PhysicalMemory(PhysicalMemory.PAGE_SIZE);
        m.writeWord(8, 0x8281807F);
        assertEquals(0x7F, m.readByte(8));
        assertEquals(0xFFFFFF80, m.readByte(9));
        assertEquals(0x80, m.readByteUnsigned(9));
        assertEquals(0xFFFF8281, m.readHalf(10));
        assertEquals(0x8281, m.readHalfUnsigned(10));
        m.writeHalf(8, 0x12345);
        assertEquals(0x82812345, m.readWord(8), "a half store writes two bytes");
        m.writeByte(11, 0x1AA);
        assertEquals(0xAA812345, m.readWord(8), "a byte store writes one byte");
        assertEquals(0, m.readWord(PhysicalMemory.PAGE_SIZE - 4));
    }

    @Test
    void memoryIsLazyReadsOfUnwrittenPagesSeeZerosAndCostNothing() {
        PhysicalMemory m = new PhysicalMemory(1 << 30);
        assertEquals(0, m.materialisedPages(), "a gigabyte installed, none of it on the host yet");
        assertEquals(0, m.readWord(123 << 12));
        byte[] some = new byte[3 * 4096];
        m.read(7 * 4096 + 100, some, 0, some.length);
        assertEquals(0, m.materialisedPages(), "reads do not materialise");
        m.clearPage(9);
        assertEquals(0, m.materialisedPages(), "an unwritten page is clear already");

        byte[] data = new byte[6000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7 + 1);
        m.write(20 * 4096 + 4000, data, 0, data.length);
        assertEquals(3, m.materialisedPages(), "a block write materialises exactly the pages it spans");
        byte[] back = new byte[data.length];
        m.read(20 * 4096 + 4000, back, 0, back.length);
        assertArrayEquals(data, back, "read back across page boundaries");
        assertEquals(0, m.readWord(20 * 4096 + 3996), "bytes before the write stay zero");

        m.writeByte(500 << 12, 1);
        assertEquals(4, m.materialisedPages());
        m.clearPage(500);
        assertEquals(0, m.readByte(500 << 12));
        m.materialise(600);
        assertEquals(0, m.readWord(600 << 12), "a materialised page starts as zeros");
        m.writeWordUnwatched(600 << 12, 0x12345678);
        assertEquals(0x12345678, m.readWord(600 << 12));
        assertEquals(0, new PhysicalMemory(4096).readWord(0), "the shared zero page was never written");
    }

    @Test
    void theGuestsFirstTouchOfAPageThroughTheMmuGivesItMemory() {
        Machine machine = new Machine(1 << 20, 42, Console.capturing(new java.io.ByteArrayOutputStream()));
        machine.setAsid(1);
        int all = Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE;
        machine.tlb.write(1, 0x10, 1, 0x20, all);
        machine.tlb.write(2, 0x11, 1, 0x21, all);
        int before = machine.memory.materialisedPages();
        assertEquals(0x20008, machine.mmu.load(0x10008), "a load line");
        assertEquals(0x21000, machine.mmu.store(0x11000), "a store line");
        assertEquals(before + 2, machine.memory.materialisedPages(),
                "every page a host-cache line maps has memory, so the engines' fast paths can write it unchecked");
    }

    @Test
    void sizeMustBeWholePages() {
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(0));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(4097));
        assertThrows(IllegalArgumentException.class, () -> new PhysicalMemory(1L << 31));
        PhysicalMemory m = new PhysicalMemory(3 * 4096);
        assertEquals(3, m.pages());
        assertEquals(3 * 4096, m.size());
        assertTrue(m.contains(3 * 4096 - 4, 4));
        assertFalse(m.contains(3 * 4096 - 3, 4));
        assertFalse(m.contains(-1, 1));
    }

    @Test
    void writesToAWatchedPageNotifyOnceBeforeTheChange() {
        PhysicalMemory m = new PhysicalMemory(4 * 4096);
        List<Integer> seen = new ArrayList<>();
        m.setCodeWatcher(seen::add);
        m.watchCode(1);
        m.watchCode(3);
        m.writeWord(0, 1);
        assertEquals(List.of(), seen, "unwatched page");
        m.writeByte(4096 + 7, 1);
        m.writeHalf(4096 + 8, 1);
        assertEquals(List.of(1), seen, "one notice; the watch is then dropped");
        assertFalse(m.isWatched(1));
        m.write(2 * 4096 + 4000, new byte[200], 0, 200);
        assertEquals(List.of(1, 3), seen, "a block write spanning into a watched page");
        m.watchCode(2);
        m.clearPage(2);
        assertEquals(List.of(1, 3, 2), seen);
        m.watchCode(0);
        m.write(0, new byte[0], 0, 0);
        assertTrue(m.isWatched(0), "an empty write touches nothing");
    }

    @Test
    void blockCopiesRoundTrip() {
        PhysicalMemory m = new PhysicalMemory(2 * 4096);
        byte[] src = new byte[300];
        for (int i = 0; i < src.length; i++) src[i] = (byte) i;
        m.write(4000, src, 0, 300);
        byte[] back = new byte[300];
        m.read(4000, back, 0, 300);
        assertEquals(java.util.Arrays.toString(src), java.util.Arrays.toString(back));
        m.clearPage(0);
        assertEquals(0, m.readByte(4095));
        assertEquals((byte) 96, m.readByte(4096));
    }
}
