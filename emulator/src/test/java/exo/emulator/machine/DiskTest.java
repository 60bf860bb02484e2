package exo.emulator.machine;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.ZERO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Engines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The block device: latency, the interrupt's exact cycle, durability only at a flush, refused descriptors. */
class DiskTest {
    @TempDir
    Path dir;

    private Disk fresh(int blocks) {
        return Disk.create(dir.resolve("d.img"), (long) blocks * Disk.BLOCK_SIZE);
    }

    /** An endless counting loop with a disk attached. */
    private static TestMachine counting(String engine, Disk d) {
        TestMachine t = new TestMachine(Engines.create(engine));
        t.machine.tlb.write(0, CODE >>> 12, 0, CODE >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
        t.load(Opcode.ADDI.encode(T0, T0, 1), Opcode.JAL.encode(ZERO, -4));
        t.machine.attachDisk(d);
        return t;
    }

    private static byte[] filled(int v) {
        byte[] b = new byte[Disk.BLOCK_SIZE];
        Arrays.fill(b, (byte) v);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void theInterruptArrivesAtTheExactCycleAfterTheLatency(String engine) {
        Disk d = fresh(8);
        TestMachine t = counting(engine, d);
        t.run(13);
        long submitted = t.machine.cpu.cycles;
        int tag = d.submit(Disk.WRITE, 2, 5, submitted, t.machine.memory);
        assertTrue(tag > 0);
        assertEquals(submitted + Disk.LATENCY, d.due());
        t.run(10_000_000);
        long at = submitted + Disk.LATENCY;
        assertEquals(new TestMachine.Trap(Cause.DISK, CODE + (int) (at % 2) * 4, 0), t.onlyTrap());
        assertEquals(at, t.machine.cpu.cycles, "delivered before the first instruction at the due cycle");
        Disk.Completion c = d.takeCompleted();
        assertEquals(tag, c.request().tag());
        assertEquals(Disk.OK, c.status());
        assertNull(d.takeCompleted());
        assertEquals(Long.MAX_VALUE, d.due());
    }

    @Test
    void requestsAreServedInOrderOneAtATime() {
        Disk d = fresh(8);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        int a = d.submit(Disk.READ, 1, 0, 100, m);
        int b = d.submit(Disk.WRITE, 2, 1, 150, m);
        int f = d.submit(Disk.FLUSH, 0, 0, 50_000, m);
        assertEquals(100 + Disk.LATENCY, d.inFlight().get(0).due());
        assertEquals(100 + 2 * Disk.LATENCY, d.inFlight().get(1).due(), "waits for the one before it");
        assertEquals(50_000 + Disk.FLUSH_LATENCY, d.inFlight().get(2).due(), "starts when submitted if the queue is idle by then");
        assertEquals(a, d.completeDue(m).request().tag());
        assertEquals(b, d.completeDue(m).request().tag());
        assertEquals(f, d.completeDue(m).request().tag());
    }

    @Test
    void dmaMovesWholeBlocksBetweenImageAndPages() {
        Disk d = fresh(8);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write(Pages.start(3), filled(0x5A), 0, Disk.BLOCK_SIZE);
        d.submit(Disk.WRITE, 4, 3, 0, m);
        d.completeDue(m);
        d.submit(Disk.READ, 4, 9, 0, m);
        d.completeDue(m);
        assertArrayEquals(filled(0x5A), m.page(9), "a read sees a write not yet flushed");
    }

    /**
     * An image and its restore: the queue with its completion cycles, the buffer, the counters and
     * the file's blocks come back, whether the blocks were flushed before the image (their
     * contents then) or after it (what the file held before their first flush).
     */
    @Test
    void anImageRestoresTheQueueTheBufferAndTheFlushedBlocks() throws IOException {
        Path p = dir.resolve("d.img");
        Disk d = Disk.create(p, 8L * Disk.BLOCK_SIZE);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        d.writeBlock(2, filled(2));
        d.flush();
        d.writeBlock(4, filled(4));
        m.write(Pages.start(3), filled(7), 0, Disk.BLOCK_SIZE);
        d.submit(Disk.WRITE, 5, 3, 100, m);
        Disk.Image image = d.image();
        byte[] file = Files.readAllBytes(p);
        java.util.List<Disk.Request> queued = d.inFlight();

        d.completeDue(m);
        d.writeBlock(2, filled(12));
        d.writeBlock(6, filled(6));
        d.flush();
        d.submit(Disk.READ, 6, 4, 500, m);
        d.restore(image);
        assertArrayEquals(file, Files.readAllBytes(p), "block 2 as flushed before the image, 5 and 6 as before their first flush");
        assertEquals(queued, d.inFlight());
        assertEquals(100 + Disk.LATENCY, d.due());
        assertEquals(1, d.unflushedBlocks(), "block 4, buffered");
        assertEquals(1, d.flushes());
        byte[] b = new byte[Disk.BLOCK_SIZE];
        d.readBlock(4, b);
        assertArrayEquals(filled(4), b);
        assertEquals(2, d.submit(Disk.FLUSH, 0, 0, 0, m), "the next tag is the image's");

        d.completeDue(m);
        d.completeDue(m);
        assertEquals(7, Files.readAllBytes(p)[5 * Disk.BLOCK_SIZE], "the same execution again reaches the file");
        d.close();
    }

    @Test
    void writesReachTheImageOnlyAtAFlush() throws IOException {
        Path p = dir.resolve("d.img");
        Disk d = Disk.create(p, 8L * Disk.BLOCK_SIZE);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        m.write(Pages.start(3), filled(7), 0, Disk.BLOCK_SIZE);
        d.submit(Disk.WRITE, 5, 3, 0, m);
        d.completeDue(m);
        assertEquals(0, Files.readAllBytes(p)[5 * Disk.BLOCK_SIZE], "written, not flushed: not in the file");
        assertEquals(1, d.unflushedBlocks());
        d.submit(Disk.FLUSH, 0, 0, 0, m);
        d.completeDue(m);
        assertEquals(1, d.flushes());
        assertEquals(7, Files.readAllBytes(p)[5 * Disk.BLOCK_SIZE], "flushed: in the file");
        m.write(Pages.start(3), filled(9), 0, Disk.BLOCK_SIZE);
        d.submit(Disk.WRITE, 5, 3, 0, m);
        d.completeDue(m);
        d.close();                                  // the host dies before a flush
        Disk again = Disk.open(p);
        byte[] b = new byte[Disk.BLOCK_SIZE];
        again.readBlock(5, b);
        assertArrayEquals(filled(7), b, "the unflushed write is lost, the flushed one kept");
        again.close();
    }

    @Test
    void malformedDescriptorsAreRefusedAndChangeNothing() throws IOException {
        Path p = dir.resolve("d.img");
        Disk d = Disk.create(p, 8L * Disk.BLOCK_SIZE);
        d.setProtectedBlocks(2);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        assertEquals(Disk.BAD_OP, d.submit(0, 3, 1, 0, m));
        assertEquals(Disk.BAD_OP, d.submit(99, 3, 1, 0, m));
        assertEquals(Disk.BAD_BLOCK, d.submit(Disk.WRITE, 8, 1, 0, m), "past the end");
        assertEquals(Disk.BAD_BLOCK, d.submit(Disk.WRITE, -1, 1, 0, m));
        assertEquals(Disk.BAD_BLOCK, d.submit(Disk.WRITE, 1, 1, 0, m), "a protected (kernel) block");
        assertEquals(Disk.BAD_BLOCK, d.submit(Disk.READ, Integer.MIN_VALUE, 1, 0, m));
        assertEquals(Disk.BAD_PAGE, d.submit(Disk.WRITE, 3, m.pages(), 0, m), "a page beyond memory");
        assertEquals(Disk.BAD_PAGE, d.submit(Disk.READ, 3, -5, 0, m));
        assertEquals(Long.MAX_VALUE, d.due(), "nothing queued");
        d.flush();
        assertArrayEquals(new byte[8 * Disk.BLOCK_SIZE], Files.readAllBytes(p), "the image is untouched");
    }

    @Test
    void aFullQueueRefusesMore() {
        Disk d = fresh(8);
        PhysicalMemory m = new PhysicalMemory(1 << 20);
        for (int i = 0; i < Disk.MAX_QUEUED; i++) assertTrue(d.submit(Disk.READ, 3, 1, 0, m) > 0);
        assertEquals(Disk.QUEUE_FULL, d.submit(Disk.READ, 3, 1, 0, m));
        assertTrue(d.cancel(d.inFlight().get(0).tag()));
        assertTrue(d.submit(Disk.READ, 3, 1, 0, m) > 0, "a cancelled request frees its place");
    }

    @Test
    void aTruncatedImageIsRefusedWithItsSize() throws IOException {
        Path p = dir.resolve("short.img");
        Files.write(p, new byte[Disk.BLOCK_SIZE * 3 - 100]);
        DiskException e = assertThrows(DiskException.class, () -> Disk.open(p));
        assertEquals(DiskException.Kind.CORRUPT, e.kind);
        assertTrue(e.getMessage().contains("12188 bytes is not a disk image"), e.getMessage());
        Files.write(p, new byte[0]);
        assertEquals(DiskException.Kind.CORRUPT, assertThrows(DiskException.class, () -> Disk.open(p)).kind);
    }

    @Test
    void creatingNeverOverwritesAndOpeningNeedsAFile() throws IOException {
        Path p = dir.resolve("mine.img");
        Files.writeString(p, "precious");
        DiskException e = assertThrows(DiskException.class, () -> Disk.create(p, 8L * Disk.BLOCK_SIZE));
        assertEquals(DiskException.Kind.EXISTS, e.kind);
        assertEquals("precious", Files.readString(p));
        assertEquals(DiskException.Kind.MISSING, assertThrows(DiskException.class, () -> Disk.open(dir.resolve("none.img"))).kind);
        assertEquals(DiskException.Kind.CORRUPT, assertThrows(DiskException.class, () -> Disk.create(dir.resolve("odd.img"), 5000)).kind);
    }

    @Test
    void anImageOpenedReadOnlyIsReadAndNeverWritten() throws IOException {
        Path p = dir.resolve("ro.img");
        try (Disk d = Disk.create(p, 8L * Disk.BLOCK_SIZE)) {
            d.writeBlock(5, filled(7));
            d.flush();
        }
        byte[] before = Files.readAllBytes(p);
        try (Disk d = Disk.openReadOnly(p)) {
            assertTrue(d.readOnly());
            byte[] b = new byte[Disk.BLOCK_SIZE];
            d.readBlock(5, b);
            assertArrayEquals(filled(7), b);
            assertThrows(IllegalStateException.class, () -> d.writeBlock(5, filled(1)));
            assertThrows(IllegalStateException.class, d::flush);
            assertThrows(IllegalStateException.class, () -> d.submit(Disk.READ, 5, 0, 0, new PhysicalMemory(16 * Disk.BLOCK_SIZE)));
        }
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals(DiskException.Kind.MISSING, assertThrows(DiskException.class, () -> Disk.openReadOnly(dir)).kind, "a directory");
    }

    @Test
    void anInterruptAnObserverStopsIsDeliveredLaterWithoutASecondTransfer() {
        Disk d = fresh(8);
        TestMachine t = counting("interp", d);
        boolean[] stopped = {false};
        t.machine.setTrapObserver((m, cause, epc, bad) -> {
            if (cause != Cause.DISK || stopped[0]) return false;
            stopped[0] = true;
            return true;
        });
        d.submit(Disk.READ, 3, 7, 0, t.machine.memory);
        assertEquals(StopReason.STOPPED, t.machine.run(1_000_000));
        assertEquals(Disk.LATENCY, t.machine.cpu.cycles);
        assertTrue(t.traps.isEmpty(), "the kernel has not seen it yet");
        t.run(1_000_000);
        assertEquals(new TestMachine.Trap(Cause.DISK, CODE, 0), t.onlyTrap());
        assertEquals(Disk.LATENCY, t.machine.cpu.cycles, "delivered at once on resuming");
        assertTrue(d.takeCompleted() != null);
        assertNull(d.takeCompleted(), "one request, one transfer");
    }
}
