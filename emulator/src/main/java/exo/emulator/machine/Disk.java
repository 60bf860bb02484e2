package exo.emulator.machine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The block device: a disk-image file on the host seen as numbered 4 KiB blocks, reached by DMA
 * descriptors that name a physical page, with completion signalled by {@link Cause#DISK}.
 *
 * <p>A request is a descriptor (operation, block, physical page). {@link #submit} checks it —
 * a malformed descriptor is refused with a negative status and changes nothing — and queues
 * it. Requests are served one at a time in order: each completes {@link #LATENCY} cycles (a
 * flush {@link #FLUSH_LATENCY}) after the later of its submission and the previous request's
 * completion, so the cycle of every completion is fixed by the cycle counter alone. At that
 * cycle {@link Machine#run} calls {@link #completeDue}, which performs the DMA (block to page
 * or page to block), and then raises the interrupt at its one trap site.
 *
 * <p>Durability: a written block is kept in a write-back buffer (reads see it) and reaches the
 * image file only when a flush request completes, which writes every buffered block and calls
 * {@link FileChannel#force} (the kernel's blocks first, forced before the others). A host process killed at any point loses at most the writes not
 * yet flushed. Blocks below {@link #protectedBlocks} are the kernel's: DMA descriptors naming
 * them are refused; only the kernel's programmed I/O ({@link #readBlock}, {@link #writeBlock})
 * reaches them.
 */
public final class Disk implements AutoCloseable {
    public static final int BLOCK_SIZE = PhysicalMemory.PAGE_SIZE;
    /** Descriptor operations. */
    public static final int READ = 1, WRITE = 2, FLUSH = 3;
    /** Cycles from the start of service to completion of a read or write, and of a flush. */
    public static final long LATENCY = 20_000, FLUSH_LATENCY = 100_000;
    /** Requests queued at most; a submission beyond it is refused with {@link #QUEUE_FULL}. */
    public static final int MAX_QUEUED = 64;
    /** Largest image: block numbers fit a positive int. */
    public static final long MAX_BYTES = 1L << 30;

    /** Completion and refusal statuses (a completion's status is OK or IO_ERROR). */
    public static final int OK = 0, BAD_OP = -1, BAD_BLOCK = -2, BAD_PAGE = -3, QUEUE_FULL = -4, IO_ERROR = -5;

    /** The name of a descriptor operation: read, write, flush. */
    public static String opName(int op) {
        return switch (op) {
            case READ -> "read";
            case WRITE -> "write";
            case FLUSH -> "flush";
            default -> "op " + op;
        };
    }

    /** A queued request: tag (1, 2, ...), operation, block, physical page, completion cycle. */
    public record Request(int tag, int op, int block, int ppn, long due) {}

    /** A finished request and its status. */
    public record Completion(Request request, int status) {}

    private final Path path;
    private final FileChannel channel;
    private final int blocks;
    private final boolean readOnly;
    private final TreeMap<Integer, byte[]> unflushed = new TreeMap<>();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private final ArrayDeque<Completion> completed = new ArrayDeque<>();
    private int protectedBlocks;
    private int nextTag = 1;
    private long flushes;
    /**
     * For {@link #image}: the contents of every block a flush has written to the file since it
     * was opened, and what each held before the first such write. The arrays are never written
     * after they are put here, so images share them.
     */
    private final TreeMap<Integer, byte[]> written = new TreeMap<>(), original = new TreeMap<>();

    private Disk(Path path, FileChannel channel, int blocks, boolean readOnly) {
        this.path = path;
        this.channel = channel;
        this.blocks = blocks;
        this.readOnly = readOnly;
    }

    /**
     * Opens an existing image. Its size must be a positive multiple of {@link #BLOCK_SIZE} and at
     * most {@link #MAX_BYTES}.
     *
     * @throws DiskException MISSING, CORRUPT (size) or IO
     */
    public static Disk open(Path path) {
        return open(path, false);
    }

    /**
     * Opens an existing image for inspection only (exo disk): the file is opened for reading,
     * and {@link #writeBlock}, {@link #submit} and {@link #flush} refuse to run.
     *
     * @throws DiskException MISSING, CORRUPT (size) or IO
     */
    public static Disk openReadOnly(Path path) {
        return open(path, true);
    }

    private static Disk open(Path path, boolean readOnly) {
        if (java.nio.file.Files.isDirectory(path)) throw new DiskException(DiskException.Kind.MISSING, path + ": is a directory, not a disk image");
        FileChannel ch;
        try {
            ch = readOnly ? FileChannel.open(path, StandardOpenOption.READ) : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new DiskException(DiskException.Kind.MISSING, path + ": no such disk image");
        } catch (IOException | SecurityException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": cannot open the disk image: " + e.getMessage());
        }
        try {
            long size = ch.size();
            if (size == 0 || size % BLOCK_SIZE != 0 || size > MAX_BYTES) {
                ch.close();
                throw new DiskException(DiskException.Kind.CORRUPT, path + ": " + size
                        + " bytes is not a disk image (truncated?): an image is a whole number of 4096-byte blocks, at most " + MAX_BYTES + " bytes");
            }
            return new Disk(path, ch, (int) (size / BLOCK_SIZE), readOnly);
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": cannot read the disk image: " + e.getMessage());
        }
    }

    /**
     * Creates a zero-filled image of bytes (a multiple of {@link #BLOCK_SIZE}, at most
     * {@link #MAX_BYTES}); never overwrites a file that exists.
     *
     * @throws DiskException EXISTS, CORRUPT (a bad size) or IO
     */
    public static Disk create(Path path, long bytes) {
        if (bytes <= 0 || bytes % BLOCK_SIZE != 0 || bytes > MAX_BYTES) {
            throw new DiskException(DiskException.Kind.CORRUPT, "a disk image is a whole number of 4096-byte blocks, at most " + MAX_BYTES + " bytes; not " + bytes);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ch.write(ByteBuffer.allocate(1), bytes - 1);
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new DiskException(DiskException.Kind.EXISTS, path + ": already exists; not overwriting it");
        } catch (NoSuchFileException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": cannot create the disk image: no such directory");
        } catch (IOException | SecurityException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": cannot create the disk image: " + e.getMessage());
        }
        return new Disk(path, ch, (int) (bytes / BLOCK_SIZE), false);
    }

    public Path path() {
        return path;
    }

    /** Blocks in the image. */
    public int blocks() {
        return blocks;
    }

    /** Blocks 0..n-1 are the kernel's: DMA descriptors naming them are refused. */
    public void setProtectedBlocks(int n) {
        if (n < 0 || n > blocks) throw new IllegalArgumentException("protected blocks " + n + " of " + blocks);
        protectedBlocks = n;
    }

    public int protectedBlocks() {
        return protectedBlocks;
    }

    /** Flush requests completed (for tests and statistics). */
    public long flushes() {
        return flushes;
    }

    /**
     * Queues a DMA descriptor at cycle now; returns its tag (positive) or a refusal (negative:
     * BAD_OP, BAD_BLOCK for a block outside the image or protected, BAD_PAGE for a page outside
     * memory, QUEUE_FULL). A flush names no block or page (pass 0).
     */
    public int submit(int op, int block, int ppn, long now, PhysicalMemory memory) {
        requireWritable();
        if (op != READ && op != WRITE && op != FLUSH) return BAD_OP;
        if (op != FLUSH) {
            if (block < protectedBlocks || block >= blocks) return BAD_BLOCK;
            if (ppn < 0 || ppn >= memory.pages()) return BAD_PAGE;
        }
        if (queue.size() >= MAX_QUEUED) return QUEUE_FULL;
        long start = queue.isEmpty() ? now : Math.max(now, queue.peekLast().due());
        Request r = new Request(nextTag++, op, op == FLUSH ? 0 : block, op == FLUSH ? 0 : ppn,
                start + (op == FLUSH ? FLUSH_LATENCY : LATENCY));
        queue.addLast(r);
        return r.tag();
    }

    /** The cycle at which the next request completes, or Long.MAX_VALUE if none is queued. */
    public long due() {
        Request r = queue.peekFirst();
        return r == null ? Long.MAX_VALUE : r.due();
    }

    /** Requests queued and not completed (for the monitor and tests). */
    public List<Request> inFlight() {
        return new ArrayList<>(queue);
    }

    /**
     * Completes the head request (its due cycle has come): performs its DMA into or out of
     * memory, or the flush, and keeps the completion for {@link #takeCompleted}.
     */
    public Completion completeDue(PhysicalMemory memory) {
        Request r = queue.pollFirst();
        if (r == null) throw new IllegalStateException("no disk request is due");
        int status = OK;
        try {
            switch (r.op()) {
                case READ -> {
                    byte[] b = new byte[BLOCK_SIZE];
                    readBlock(r.block(), b);
                    memory.write(Pages.start(r.ppn()), b, 0, BLOCK_SIZE);
                }
                case WRITE -> {
                    byte[] b = new byte[BLOCK_SIZE];
                    memory.read(Pages.start(r.ppn()), b, 0, BLOCK_SIZE);
                    unflushed.put(r.block(), b);
                }
                default -> flush();
            }
        } catch (DiskException e) {
            status = IO_ERROR;
        }
        Completion c = new Completion(r, status);
        completed.addLast(c);
        return c;
    }

    /** Completions the kernel has not taken yet (for the monitor). */
    public List<Completion> completed() {
        return new ArrayList<>(completed);
    }

    /** The oldest completion not yet taken, or null. */
    public Completion takeCompleted() {
        return completed.pollFirst();
    }

    /** Drops a queued request that has not completed (its requester is gone); false if none has this tag. */
    public boolean cancel(int tag) {
        return queue.removeIf(r -> r.tag() == tag);
    }

    /** Programmed I/O for the kernel: block b's current contents (buffered writes included) into dst. */
    public void readBlock(int b, byte[] dst) {
        checkBlock(b);
        byte[] buffered = unflushed.get(b);
        if (buffered != null) {
            System.arraycopy(buffered, 0, dst, 0, BLOCK_SIZE);
            return;
        }
        readBlockFromFile(b, dst);
    }

    private void readBlockFromFile(int b, byte[] dst) {
        ByteBuffer buf = ByteBuffer.wrap(dst, 0, BLOCK_SIZE);
        try {
            long pos = (long) b * BLOCK_SIZE;
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos + buf.position());
                if (n < 0) throw new DiskException(DiskException.Kind.CORRUPT, path + ": truncated at block " + b);
            }
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": reading block " + b + " failed: " + e.getMessage());
        }
    }

    /** Programmed I/O for the kernel: buffers src as block b's contents until the next flush. */
    public void writeBlock(int b, byte[] src) {
        requireWritable();
        checkBlock(b);
        unflushed.put(b, src.clone());
    }

    /**
     * Writes every buffered block to the image and forces it to the host's disk: the protected
     * (kernel) blocks first, forced before any other block is written, so that a host killed
     * part-way never leaves a data block durable that the kernel's table does not yet describe.
     */
    public void flush() {
        requireWritable();
        try {
            for (var e : unflushed.headMap(protectedBlocks).entrySet()) writeThrough(e.getKey(), e.getValue());
            channel.force(true);
            for (var e : unflushed.tailMap(protectedBlocks).entrySet()) writeThrough(e.getKey(), e.getValue());
            channel.force(true);
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": writing the image failed: " + e.getMessage());
        }
        unflushed.clear();
        flushes++;
    }

    private void writeThrough(int block, byte[] contents) throws IOException {
        if (!original.containsKey(block)) {
            byte[] before = new byte[BLOCK_SIZE];
            readBlockFromFile(block, before);
            original.put(block, before);
        }
        written.put(block, contents);
        writeFile(block, contents);
    }

    private void writeFile(int block, byte[] contents) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(contents);
        long pos = (long) block * BLOCK_SIZE;
        while (buf.hasRemaining()) channel.write(buf, pos + buf.position());
    }

    /** Blocks written and not yet flushed. */
    public int unflushedBlocks() {
        return unflushed.size();
    }

    /** Whether the image was opened for inspection only. */
    public boolean readOnly() {
        return readOnly;
    }

    private void requireWritable() {
        if (readOnly) throw new IllegalStateException(path + " was opened read-only");
    }

    private void checkBlock(int b) {
        if (b < 0 || b >= blocks) throw new IllegalStateException("block " + b + " is outside the image (" + blocks + " blocks)");
    }

    /**
     * The device's whole state at one moment, for a debugger's snapshots: requests queued and
     * completed, the write-back buffer, the tag and flush counters, the protected blocks, and the
     * contents of every block flushed to the file since it was opened. The block arrays are
     * shared, never copied: the device never writes one it has handed out.
     */
    public record Image(List<Request> queue, List<Completion> completed, Map<Integer, byte[]> unflushed, Map<Integer, byte[]> written,
                        int protectedBlocks, int nextTag, long flushes) {}

    /** The state now (see {@link Image}); costs a copy of the maps of blocks, not of blocks. */
    public Image image() {
        return new Image(List.copyOf(queue), List.copyOf(completed), new TreeMap<>(unflushed), new TreeMap<>(written), protectedBlocks,
                nextTag, flushes);
    }

    /**
     * Makes the device what it was at image: its queue, buffer and counters, and the file's
     * blocks (each block flushed since then, or since the image, is written back as the image
     * had it; one never flushed before the image gets its original contents back).
     *
     * @throws DiskException IO if the file cannot be written
     */
    public void restore(Image image) {
        requireWritable();
        try {
            java.util.Set<Integer> blocks = new java.util.TreeSet<>(written.keySet());
            blocks.addAll(image.written().keySet());
            for (int b : blocks) {
                byte[] want = image.written().containsKey(b) ? image.written().get(b) : original.get(b);
                if (want != written.get(b)) writeFile(b, want);
            }
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": restoring the image failed: " + e.getMessage());
        }
        written.clear();
        written.putAll(image.written());
        queue.clear();
        queue.addAll(image.queue());
        completed.clear();
        completed.addAll(image.completed());
        unflushed.clear();
        unflushed.putAll(image.unflushed());
        protectedBlocks = image.protectedBlocks();
        nextTag = image.nextTag();
        flushes = image.flushes();
    }

    /** Closes the image without flushing: what was not flushed is lost, as if the host had died. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, path + ": closing the image failed: " + e.getMessage());
        }
    }
}
