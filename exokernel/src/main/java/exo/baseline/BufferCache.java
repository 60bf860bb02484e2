package exo.baseline;

import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.os.CostModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline kernel's buffer cache and disk driver. File data lives in buffers, each a
 * physical page frame the kernel took at boot, filled and written by DMA straight from the
 * frame, in least-recently-used order. A request's process sleeps until the device interrupt
 * reports the completion ({@link #interrupt}); others run meanwhile.
 *
 * <p>Writes are delayed: write() only dirties buffers. A dirty buffer reaches the device when
 * the cache needs its frame (write-back of the least recently used dirty buffers) or at a sync,
 * and becomes durable only at the sync's flush. A sync runs the three steps of {@link MonoFs}
 * as a state machine advanced by completions; file-system calls wait while one is running.
 * Metadata blocks are copied into staging frames for their writes, so the kernel's copy may
 * change again at once.
 */
final class BufferCache {
    /** A cached data block: its frame; busy while a DMA on it is in flight. */
    static final class Buf {
        final int block;
        final int ppn;
        boolean valid, dirty, busy, dead;

        Buf(int block, int ppn) {
            this.block = block;
            this.ppn = ppn;
        }
    }

    /**
     * Channels a process sleeps on besides a buffer in flight: the end of a sync; a buffer
     * becoming clean or valid (a frame may be had); any completion at all.
     */
    static final Object SYNC = "sync", FRAMES = "frames", ANY = "any";

    /** Dirty buffers written back at once when the cache needs frames. */
    static final int WRITE_BACK_BATCH = 32;
    static final int STAGING = 32;

    private final Machine machine;
    private final Disk disk;
    private final CostModel cost;
    private final MonoFs fs;
    private final LinkedHashMap<Integer, Buf> bufs = new LinkedHashMap<>(16, 0.75f, true);
    private final ArrayDeque<Integer> freeFrames = new ArrayDeque<>();
    private final ArrayDeque<Integer> staging = new ArrayDeque<>();
    /** In-flight requests by tag: the buffer, or the staging frame (as a negative number - 1), or null for a flush. */
    private final Map<Integer, Object> inFlight = new HashMap<>();
    private int errors;

    /** The sync in progress: its step (1..3, 0 none), blocks still to write, and whether its flush is queued. */
    private int step;
    private final ArrayDeque<Integer> toWrite = new ArrayDeque<>();
    private boolean flushQueued;
    /** Writes queued since the last flush: a step with none has nothing to make durable and skips its flush. */
    private int writesSinceFlush;
    private long syncsDone;

    BufferCache(Machine machine, CostModel cost, MonoFs fs, int[] frames, int[] stagingFrames) {
        this.machine = machine;
        this.disk = fs.disk;
        this.cost = cost;
        this.fs = fs;
        for (int f : frames) freeFrames.add(f);
        for (int f : stagingFrames) staging.add(f);
    }

    boolean syncing() {
        return step != 0;
    }

    long syncs() {
        return syncsDone;
    }

    /** Whether any request is in flight (a sleeping process will be woken by its interrupt). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    /** Drops the buffers of blocks the file system freed. */
    private void discardFreed() {
        for (int b : fs.discarded) {
            Buf x = bufs.get(b);
            if (x == null) continue;
            if (x.busy) x.dead = true;
            else {
                bufs.remove(b);
                freeFrames.add(x.ppn);
            }
        }
        fs.discarded.clear();
    }

    /**
     * The buffer for block b with its contents (reading it if needed), or null if the caller
     * must sleep: a read was queued, or the buffer is busy, or no frame is free yet (dirty
     * buffers are being written back). With fill false the caller overwrites the whole block,
     * so nothing is read and a new buffer's frame is only claimed.
     */
    Buf get(int b, boolean fill) {
        discardFreed();
        cost.charge(CostModel.BUF_LOOKUP);
        Buf x = bufs.get(b);
        if (x != null) {
            if (x.busy) return null;
            if (x.valid || !fill) return x;
        } else {
            Integer ppn = frame();
            if (ppn == null) return null;
            x = new Buf(b, ppn);
            bufs.put(b, x);
        }
        if (!fill) {
            x.valid = true;
            return x;
        }
        submit(Disk.READ, b, x.ppn, x);
        return null;
    }

    /** Whether a frame can be had now (a free one, or a clean buffer to evict); if not, write-back has started. */
    boolean frameAvailable() {
        Integer f = frame();
        if (f == null) return false;
        freeFrames.push(f);
        return true;
    }

    /** A new buffer for a block just allocated, zero-filled unless the caller overwrites all of it; null (sleep) if no frame is free. */
    Buf fresh(int b, boolean wholeBlockWritten) {
        discardFreed();
        Integer ppn = frame();
        if (ppn == null) return null;
        Buf x = new Buf(b, ppn);
        x.valid = true;
        x.dirty = true; // a new block's contents must reach the disk, and its buffer is all there is
        if (!wholeBlockWritten) {
            machine.memory.clearPage(ppn);
            cost.charge(CostModel.PAGE_CLEAR);
        }
        bufs.put(b, x);
        return x;
    }

    /**
     * A free frame, evicting the least recently used clean buffer; null if every buffer is dirty
     * or busy (write-back starts). Charged as taking the head of a clean-buffer list, which a
     * kernel keeps; the search here is the emulator's, not the guest's.
     */
    private Integer frame() {
        cost.charge(CostModel.TABLE_TOUCH);
        if (!freeFrames.isEmpty()) return freeFrames.poll();
        for (Iterator<Buf> it = bufs.values().iterator(); it.hasNext(); ) {
            Buf x = it.next();
            if (!x.busy && !x.dirty) {
                it.remove();
                return x.ppn;
            }
        }
        int n = 0;
        for (Buf x : new ArrayList<>(bufs.values())) {
            if (n == WRITE_BACK_BATCH) break;
            if (!x.busy && x.dirty && submit(Disk.WRITE, x.block, x.ppn, x)) n++;
        }
        return null;
    }

    private boolean submit(int op, int block, int ppn, Object what) {
        int tag = disk.submit(op, block, ppn, machine.cpu.cycles, machine.memory);
        cost.charge(CostModel.DISK_REQUEST);
        if (tag == Disk.QUEUE_FULL) return false;
        if (tag < 0) throw new IllegalStateException("the baseline's disk request " + op + " block " + block + " page " + ppn + " refused: " + tag);
        if (what instanceof Buf x) x.busy = true;
        if (op == Disk.WRITE) writesSinceFlush++;
        if (op == Disk.FLUSH) writesSinceFlush = 0;
        inFlight.put(tag, what);
        return true;
    }

    /** What a caller that could not have block b now sleeps on: its buffer in flight, or any completion (the queue was full). */
    Object channelFor(int b) {
        Buf x = bufs.get(b);
        return x != null && x.busy ? x : ANY;
    }

    /** Marks a buffer changed after data was copied into its frame. */
    void dirtied(Buf x) {
        x.dirty = true;
    }

    /** Read errors the device reported since the last call (the call that asked gets EIO). */
    int takeErrors() {
        int e = errors;
        errors = 0;
        return e;
    }

    /** Copies n bytes at offset off of buffer x to dst (kernel side). */
    void read(Buf x, int off, byte[] dst, int dstOff, int n) {
        machine.memory.read(Pages.start(x.ppn) + off, dst, dstOff, n);
    }

    void write(Buf x, int off, byte[] src, int srcOff, int n) {
        machine.memory.write(Pages.start(x.ppn) + off, src, srcOff, n);
    }

    /** Starts a sync if none is running and anything is unsynced; true if one is now running. */
    boolean startSync() {
        if (step != 0) return true;
        discardFreed();
        boolean data = false;
        for (Buf x : bufs.values()) data |= x.dirty;
        if (!fs.needsSync() && !data) return false;
        step = 1;
        fs.beginSync();
        toWrite.clear();
        for (Buf x : bufs.values()) if (x.dirty) toWrite.add(x.block);
        toWrite.addAll(fs.takeStep1());
        pump(new ArrayList<>());
        return step != 0;
    }

    /** Submits what the current step still has to write, then its flush once every write is done. */
    private void pump(List<Object> fired) {
        while (!toWrite.isEmpty()) {
            int b = toWrite.peek();
            Buf x = bufs.get(b);
            if (x != null && fs.metaBlock(b) == null) {
                if (x.busy) return; // a write-back of it is in flight: wait for it, then write it again if still dirty
                if (!x.dirty) {
                    toWrite.poll();
                    continue;
                }
                if (!submit(Disk.WRITE, b, x.ppn, x)) return;
            } else if (fs.metaBlock(b) != null) {
                if (staging.isEmpty()) return;
                int ppn = staging.peek();
                byte[] snap = fs.snapshot(b);
                machine.memory.write(Pages.start(ppn), snap, 0, snap.length);
                cost.charge(PhysicalMemory.PAGE_SIZE / 4 * CostModel.WORD_COPIED);
                if (!submit(Disk.WRITE, b, ppn, -ppn - 1)) return;
                staging.poll();
            }
            toWrite.poll();
        }
        if (!inFlight.isEmpty() || flushQueued) return;
        if (writesSinceFlush == 0) stepDone(fired);
        else if (submit(Disk.FLUSH, 0, 0, null)) flushQueued = true;
    }

    /** The step's flush completed: on to the next step, or the sync is done (firing SYNC). */
    private void stepDone(List<Object> fired) {
        flushQueued = false;
        if (step == 1) {
            step = 2;
            toWrite.addAll(fs.takeStep2());
        } else if (step == 2) {
            step = 3;
            toWrite.addAll(fs.applyFrees());
            if (toWrite.isEmpty()) {
                finish(fired);
                return;
            }
        } else {
            finish(fired);
            return;
        }
        pump(fired);
    }

    private void finish(List<Object> fired) {
        step = 0;
        syncsDone++;
        fired.add(SYNC);
    }

    /**
     * The device interrupt: takes every completion and advances a sync; returns the channels it
     * fired (the buffers completed, FRAMES, SYNC, and always ANY), whose sleepers the kernel wakes.
     */
    List<Object> interrupt() {
        List<Object> fired = new ArrayList<>();
        fired.add(ANY);
        Disk.Completion c;
        while ((c = disk.takeCompleted()) != null) {
            cost.charge(CostModel.DISK_COMPLETION);
            Object what = inFlight.remove(c.request().tag());
            if (c.status() != Disk.OK) errors++;
            if (what instanceof Buf x) {
                fired.add(x);
                fired.add(FRAMES);
                x.busy = false;
                if (c.request().op() == Disk.READ) x.valid = c.status() == Disk.OK;
                else if (c.status() == Disk.OK) x.dirty = false;
                if (x.dead || !x.valid) {
                    if (bufs.get(x.block) == x) bufs.remove(x.block);
                    freeFrames.add(x.ppn);
                }
            } else if (what instanceof Integer neg) {
                staging.add(-neg - 1);
            } else if (step != 0 && c.request().op() == Disk.FLUSH) {
                stepDone(fired);
                continue;
            }
        }
        if (step != 0) pump(fired);
        return fired;
    }
}
