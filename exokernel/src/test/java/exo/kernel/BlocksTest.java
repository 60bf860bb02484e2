package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.A2;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.emulator.machine.Pages;
import exo.kernel.abi.KernelCall;
import exo.kernel.disk.BlockOwners;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import exo.os.KernelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk blocks through the kernel calls, as a guest makes them: every guard of blk_* refuses with
 * its documented error, DMA happens only with a capability for the block and the page, ownership
 * persists in the image across boots, and a corrupt image is refused at mount.
 */
class BlocksTest {
    static final int BLOCKS = 64;

    @TempDir
    Path dir;
    Path image;
    Boot b;

    @AfterEach
    void close() {
        if (b != null && b.machine.disk() != null) b.machine.disk().close();
    }

    /** A kernel booted on the image (created and formatted first if it does not exist), the call table guest on the CPU. */
    Boot boot() {
        return boot(SyscallFuzzTest.table(), new Interpreter());
    }

    /** As {@link #boot()}, with program g on engine. */
    Boot boot(Guest g, exo.emulator.machine.Engine engine) {
        if (image == null) image = dir.resolve("t.img");
        Disk d;
        if (Files.exists(image)) {
            d = Disk.open(image);
        } else {
            d = Disk.create(image, (long) BLOCKS * Disk.BLOCK_SIZE);
            BlockOwners.format(d, 1);
        }
        b = new Boot(KernelOptions.defaults(), engine, new byte[0], d);
        b.boot(g);
        b.kernel.run(0);
        assertNotNull(b.kernel.current());
        return b;
    }

    /** Makes kernel call c with a0.. = args as the guest on the CPU; returns a0..a2. */
    int[] call(KernelCall c, int... args) {
        int[] r = b.machine.cpu.regs;
        for (int i = 0; i < args.length; i++) r[A0 + i] = args[i];
        b.machine.raise(Cause.SYSCALL, Guest.CODE + 4 * c.ordinal(), 0);
        b.machine.step();
        return new int[] {r[A0], r[A1], r[A2]};
    }

    /** The call's error, or null if it succeeded. */
    KernelError error(KernelCall c, int... args) {
        int a0 = call(c, args)[0];
        return a0 < 0 ? KernelError.ofCode(a0) : null;
    }

    /** Lets the disk finish everything queued: the clock moves to each completion and its interrupt is taken. */
    void settle() {
        while (b.machine.disk().due() != Long.MAX_VALUE) {
            long wait = b.machine.disk().due() - b.machine.cpu.cycles;
            if (wait > 0) b.machine.chargeCycles(wait);
            b.machine.cpu.timerCompare = Long.MAX_VALUE;
            b.machine.step();
        }
    }

    int[] page() {
        return call(KernelCall.PAGE_ALLOC, 0, 0, 0, -1);
    }

    int[] block() {
        return call(KernelCall.BLK_ALLOC, -1);
    }

    static byte[] filled(int v) {
        byte[] x = new byte[Disk.BLOCK_SIZE];
        Arrays.fill(x, (byte) v);
        return x;
    }

    /** blk_done after settling: {tag, status}. */
    int[] done() {
        settle();
        return call(KernelCall.BLK_DONE);
    }

    @Test
    void aPageGoesToABlockAndComesBack() {
        boot();
        int[] blk = block();
        assertEquals(b.kernel.blocks().owners().firstData(), blk[0], "the lowest free data block");
        int[] p = page(), q = page();
        b.machine.memory.write(Pages.start(p[0]), filled(0x3C), 0, Disk.BLOCK_SIZE);
        int w = call(KernelCall.BLK_WRITE, blk[0], blk[1], blk[2], p[0], p[1], p[2])[0];
        assertTrue(w > 0);
        assertEquals(KernelError.NOTFOUND, error(KernelCall.BLK_DONE), "not complete before its latency");
        assertArrayEquals(new int[] {w, 0}, Arrays.copyOf(done(), 2));
        int r = call(KernelCall.BLK_READ, blk[0], blk[1], blk[2], q[0], q[1], q[2])[0];
        assertArrayEquals(new int[] {r, 0}, Arrays.copyOf(done(), 2));
        assertArrayEquals(filled(0x3C), b.machine.memory.page(q[0]));
        assertEquals(2, b.machine.trapCounts[Cause.DISK.code], "one interrupt per request");
    }

    @Test
    void everyGuardRefusesWithItsError() {
        boot();
        BlockOwners t = b.kernel.blocks().owners();
        int[] blk = block(), p = page();
        int[] ro = call(KernelCall.BLK_CAP_RO, blk[0], blk[1], blk[2]);
        int[] pro = call(KernelCall.PAGE_CAP_RO, p[0], p[1], p[2]);
        int[] free = {blk[0] + 1};
        // out of range
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_ALLOC, BLOCKS));
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_ALLOC, -7));
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_ALLOC, 0), "a metadata block");
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_ALLOC, t.root()), "the root block");
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_READ, BLOCKS, blk[1], blk[2], p[0], p[1], p[2]));
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_WRITE, Integer.MIN_VALUE, blk[1], blk[2], p[0], p[1], p[2]));
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_FREE, -1, blk[1], blk[2]));
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_READ, blk[0], blk[1], blk[2], 1 << 20, p[1], p[2]), "a page beyond memory");
        // taken
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_ALLOC, blk[0]));
        // bad block capabilities: forged, zero, of a free block, read-only where writing is asked
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_WRITE, blk[0], blk[1] ^ 1, blk[2], p[0], p[1], p[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, blk[0], 0, 0, p[0], p[1], p[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, free[0], blk[1], blk[2], p[0], p[1], p[2]), "a block nobody owns");
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_WRITE, blk[0], ro[1], ro[2], p[0], p[1], p[2]), "read-only block capability");
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_FREE, blk[0], ro[1], ro[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_CAP_RO, blk[0], ro[1], ro[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, 0, blk[1], blk[2], p[0], p[1], p[2]), "a metadata block");
        // pages not held: forged, or only read-only where the DMA writes the page
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, blk[0], blk[1], blk[2], p[0], p[1] + 1, p[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, blk[0], blk[1], blk[2], p[0], pro[1], pro[2]), "DMA into a page held read-only");
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_WRITE, blk[0], blk[1], blk[2], p[0] + 1, p[1], p[2]), "another page's capability");
        // allowed: read with the block's read-only capability, write from a page held read-only
        assertTrue(call(KernelCall.BLK_READ, blk[0], ro[1], ro[2], p[0], p[1], p[2])[0] > 0);
        assertTrue(call(KernelCall.BLK_WRITE, blk[0], blk[1], blk[2], p[0], pro[1], pro[2])[0] > 0);
        // in flight: the block cannot be freed, the page cannot be freed
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_FREE, blk[0], blk[1], blk[2]));
        assertEquals(KernelError.BUSY, error(KernelCall.PAGE_FREE, p[0], p[1], p[2]), "pinned by the request");
        settle();
        // the root block: its capability reads and writes it, but it cannot be freed
        int[] root = call(KernelCall.BLK_ROOT);
        assertEquals(t.root(), root[0]);
        assertEquals(KernelError.PERM, error(KernelCall.BLK_FREE, root[0], root[1], root[2]));
        // freed: both capabilities stale
        assertEquals(null, error(KernelCall.BLK_FREE, blk[0], blk[1], blk[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, blk[0], blk[1], blk[2], p[0], p[1], p[2]));
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_READ, blk[0], ro[1], ro[2], p[0], p[1], p[2]));
        int[] again = block();
        assertEquals(blk[0], again[0], "the lowest free block again");
        assertNotEquals(blk[1], again[1], "with a new capability");
        assertEquals(null, error(KernelCall.PAGE_FREE, p[0], p[1], p[2]), "settled: unpinned");
    }

    @Test
    void onlyEnvironmentsTheHostBootedGetTheRoot() {
        boot();
        int child = call(KernelCall.ENV_CREATE)[0];
        GuestError e = assertThrows(GuestError.class, () -> b.kernel.blocks().root(b.kernel.env(child)));
        assertEquals(KernelError.PERM, e.error);
    }

    @Test
    void blkRevokeAsksOnlyForAChildsOwnDataBlockWithItsCapability() {
        boot();
        int[] c = call(KernelCall.ENV_CREATE);
        int child = c[0], lo = c[1], hi = c[2];
        var ch = b.kernel.env(child);
        int theirs = (int) b.kernel.blocks().allocate(ch, -1)[0], other = (int) b.kernel.blocks().allocate(ch, -1)[0];
        int[] mine = block();
        BlockOwners t = b.kernel.blocks().owners();
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_REVOKE, 0, 0, 0, mine[0]), "not from itself (id 0)");
        assertEquals(KernelError.INVAL, error(KernelCall.BLK_REVOKE, b.kernel.current().id, 0, 0, mine[0]), "not from itself (its id)");
        assertEquals(KernelError.BADCAP, error(KernelCall.BLK_REVOKE, child, lo ^ 1, hi, theirs), "a forged capability");
        assertEquals(KernelError.BADENV, error(KernelCall.BLK_REVOKE, child + 7, lo, hi, theirs), "no such environment");
        assertEquals(KernelError.PERM, error(KernelCall.BLK_REVOKE, child, lo, hi, mine[0]), "the caller's block is not the child's");
        int free = t.blocks() - 1;
        assertEquals(BlockOwners.FREE, t.owner(free));
        assertEquals(KernelError.PERM, error(KernelCall.BLK_REVOKE, child, lo, hi, free), "a free block is nobody's");
        for (int bad : new int[] {0, t.root() - 1, t.root(), t.blocks(), -1, Integer.MIN_VALUE}) {
            assertEquals(KernelError.INVAL, error(KernelCall.BLK_REVOKE, child, lo, hi, bad), "not a data block: " + bad);
        }
        assertEquals(-1, b.kernel.blocks().revocationOf(ch), "nothing was asked by a refused call");
        int[] p = page();
        int tag = b.kernel.blocks().read(ch, other, t.rwToken(other), p[0], b.kernel.pages().rwToken(p[0]));
        assertTrue(tag > 0);
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_REVOKE, child, lo, hi, other), "a request on it is in flight");
        assertEquals(0, call(KernelCall.BLK_REVOKE, child, lo, hi, theirs)[0]);
        assertEquals(theirs, b.kernel.blocks().revocationOf(ch));
        settle();
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_REVOKE, child, lo, hi, other), "one request at a time");
        assertTrue(b.kernel.log().stream().anyMatch(l -> l.contains("asked to give back disk block " + theirs)), b.kernel.log().toString());
    }

    @Test
    void aFullQueueAndAFullDiskAreRefused() {
        boot();
        int[] blk = block(), p = page();
        for (int i = 0; i < Disk.MAX_QUEUED; i++) assertTrue(call(KernelCall.BLK_READ, blk[0], blk[1], blk[2], p[0], p[1], p[2])[0] > 0);
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_READ, blk[0], blk[1], blk[2], p[0], p[1], p[2]));
        assertEquals(KernelError.BUSY, error(KernelCall.BLK_FLUSH));
        settle();
        for (int i = 0; i < Disk.MAX_QUEUED; i++) assertTrue(call(KernelCall.BLK_DONE)[0] > 0);
        assertEquals(KernelError.NOTFOUND, error(KernelCall.BLK_DONE));
        while (b.kernel.blocks().owners().freeBlocks() > 0) assertTrue(block()[0] > 0);
        assertEquals(KernelError.NOSPC, error(KernelCall.BLK_ALLOC, -1));
    }

    @Test
    void withoutADiskEveryBlockCallSaysSo() {
        b = new Boot();
        b.boot(SyscallFuzzTest.table());
        b.kernel.run(0);
        for (KernelCall c : KernelCall.values()) {
            if (c.callName.startsWith("blk_")) assertEquals(KernelError.NODEV, error(c, 3, 1, 1, 1, 1, 1), c.callName);
        }
    }

    @Test
    void anEnvironmentDestroyedWithAWriteInFlightNeverWrites() {
        boot();
        int[] blk = block();
        int child = call(KernelCall.ENV_CREATE)[0];
        int[] cp = call(KernelCall.PAGE_ALLOC, child, b.machine.cpu.regs[A1], b.machine.cpu.regs[A2], -1);
        b.machine.memory.write(Pages.start(cp[0]), filled(0x77), 0, Disk.BLOCK_SIZE);
        var c = b.kernel.env(child);
        int tag = b.kernel.blocks().write(c, blk[0], b.kernel.blocks().owners().rwToken(blk[0]), cp[0], b.kernel.pages().rwToken(cp[0]));
        assertTrue(tag > 0);
        b.kernel.kill(c, 128, "test");
        assertEquals(0, b.kernel.blocks().inFlight(c));
        settle();
        byte[] x = new byte[Disk.BLOCK_SIZE];
        b.machine.disk().readBlock(blk[0], x);
        assertArrayEquals(new byte[Disk.BLOCK_SIZE], x, "the cancelled write never reached the block");
    }

    @Test
    void ownershipAndFlushedDataPersistAcrossBoots() {
        boot();
        int[] kept = block(), lost = block(), p = page();
        b.machine.memory.write(Pages.start(p[0]), filled(0x41), 0, Disk.BLOCK_SIZE);
        call(KernelCall.BLK_WRITE, kept[0], kept[1], kept[2], p[0], p[1], p[2]);
        int f = call(KernelCall.BLK_FLUSH)[0];
        settle();
        call(KernelCall.BLK_DONE);
        assertEquals(f, call(KernelCall.BLK_DONE)[0]);
        int[] afterFlush = block();                       // allocated after the flush: not durable
        b.machine.disk().close();                         // the host dies
        long boots = b.kernel.blocks().owners().boots();
        boot();
        BlockOwners t = b.kernel.blocks().owners();
        assertEquals(boots + 1, t.boots());
        assertNotEquals(BlockOwners.FREE, t.owner(kept[0]));
        assertNotEquals(BlockOwners.FREE, t.owner(lost[0]), "allocated before the flush: durable");
        assertEquals(BlockOwners.FREE, t.owner(afterFlush[0]), "allocated after the last flush: lost");
        int[] q = page();
        int r = call(KernelCall.BLK_READ, kept[0], kept[1], kept[2], q[0], q[1], q[2])[0];
        assertTrue(r > 0, "the old capability still names the block");
        assertEquals(0, done()[1]);
        assertArrayEquals(filled(0x41), b.machine.memory.page(q[0]));
        int[] fresh = block();
        assertEquals(afterFlush[0], fresh[0]);
        assertNotEquals(afterFlush[1], fresh[1], "a new boot issues new tokens");
    }

    @Test
    void aCorruptImageIsRefusedAtMountAndATornCopyIsSurvived() throws IOException {
        boot();
        int m = b.kernel.blocks().owners().metaBlocks();
        b.machine.disk().close();
        b = null;
        byte[] good = Files.readAllBytes(image);
        byte[] oneCopy = good.clone();
        oneCopy[100] ^= 1;                                 // copy A's table: as a flush torn by a crash
        Files.write(image, oneCopy);
        Disk d = Disk.open(image);
        assertNotNull(BlockOwners.mount(d, 1));
        d.close();
        byte[] both = good.clone();
        both[100] ^= 1;
        both[m * Disk.BLOCK_SIZE + 100] ^= 1;
        Files.write(image, both);
        DiskException e = assertThrows(DiskException.class, () -> BlockOwners.mount(Disk.open(image), 1));
        assertEquals(DiskException.Kind.CORRUPT, e.kind);
        assertTrue(e.getMessage().contains("copy A fails its checksum; copy B fails its checksum"), e.getMessage());
        Files.write(image, new byte[good.length]);
        e = assertThrows(DiskException.class, () -> BlockOwners.mount(Disk.open(image), 1));
        assertTrue(e.getMessage().contains("has no magic number"), e.getMessage());
        byte[] longer = Arrays.copyOf(good, good.length + Disk.BLOCK_SIZE);
        Files.write(image, longer);
        e = assertThrows(DiskException.class, () -> BlockOwners.mount(Disk.open(image), 1));
        assertTrue(e.getMessage().contains("describes " + BLOCKS + " blocks but the file holds " + (BLOCKS + 1)), e.getMessage());
    }

    @Test
    void randomBlockCallsGetDocumentedErrorsAndNeverAHostException() {
        boot();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(16);
        int[] blk = block(), p = page();
        int[] real = {blk[0], blk[1], blk[2], p[0], p[1], p[2]};
        KernelCall[] calls = Arrays.stream(KernelCall.values()).filter(c -> c.callName.startsWith("blk_")).toArray(KernelCall[]::new);
        for (int trial = 0; trial < 5000; trial++) {
            KernelCall c = calls[rnd.nextInt(calls.length)];
            int[] args = new int[6];
            for (int i = 0; i < 6; i++) {
                int pick = rnd.nextInt(3);
                args[i] = pick == 0 ? real[i] : pick == 1 ? SyscallFuzzTest.INTERESTING[rnd.nextInt(SyscallFuzzTest.INTERESTING.length)] : rnd.nextInt();
            }
            int a0 = call(c, args)[0];
            if (a0 < 0) {
                KernelError e = KernelError.ofCode(a0);
                assertNotNull(e, c.callName + " returned " + a0);
                assertTrue(c.errors.contains(e), c.callName + " returned undocumented " + e.symbol);
            }
            if (c == KernelCall.BLK_FREE && a0 == 0) {
                blk = block();
                real[0] = blk[0];
                real[1] = blk[1];
                real[2] = blk[2];
            }
            if (rnd.nextInt(50) == 0) settle();
        }
        settle();
        b.machine.disk().close();
        boot();                                           // the image the storm left still mounts
    }

    /**
     * A guest that writes a block and spins: the interrupt is forwarded to its CAUSE_DISK handler
     * with the tag as BADVADDR, and the handler exits with it. Returns {status, cycles, instructions}.
     */
    long[] interruptForwarded(exo.emulator.machine.Engine engine, String name) {
        image = dir.resolve(name);
        Guest g = new Guest("disk");
        int save = g.space(16);
        int skip = g.hole();
        int handler = g.pc();
        g.lw(A0, 8, exo.emulator.isa.Register.K1).sys(KernelCall.ENV_EXIT);
        g.patchJump(skip, g.pc());
        g.handler(Cause.DISK.code, handler).saveArea(save);
        g.li(A0, -1).sys(KernelCall.BLK_ALLOC);
        g.mv(Guest.S1, A0).mv(Guest.S2, A1).mv(Guest.S3, A2);
        g.li(A0, 0).li(A1, 0).li(A2, 0).li(exo.emulator.isa.Register.A3, -1).sys(KernelCall.PAGE_ALLOC);
        g.mv(exo.emulator.isa.Register.A3, A0).mv(exo.emulator.isa.Register.A4, A1).mv(exo.emulator.isa.Register.A5, A2);
        g.mv(A0, Guest.S1).mv(A1, Guest.S2).mv(A2, Guest.S3).sys(KernelCall.BLK_WRITE);
        int spin = g.pc();
        g.addi(Guest.T1, Guest.T1, 1).jump(spin);
        boot(g, engine);
        var r = b.kernel.run(10_000_000);
        b.machine.disk().close();
        b = null;
        return new long[] {r.programs().get(0).exitStatus(), r.cycles(), r.instructions()};
    }

    @Test
    void theInterruptIsForwardedToTheRequesterAtTheSameCycleUnderBothEngines() {
        long[] interp = interruptForwarded(new Interpreter(), "i.img");
        long[] jit = interruptForwarded(new exo.emulator.jit.Jit(), "j.img");
        assertEquals(1, interp[0], "the handler got the request's tag");
        assertTrue(interp[1] > Disk.LATENCY, "it waited for the latency");
        assertArrayEquals(interp, jit);
    }
}
