package exo.kernel.disk;

import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The disk's block owner and capability table, kept in the image in a region only the kernel
 * writes. For each block: its owner (the id of the environment that allocated it, or
 * {@link #FREE} or {@link #KERNEL}) and its read-write and read-only capabilities, 64-bit tokens
 * as for pages ({@link exo.kernel.mem.PageOwners}); token 0 is never issued.
 *
 * <p>On the image, the table is kept twice: copy A in blocks [0, m) and copy B in [m, 2m),
 * where m = {@link #metaBlocks}. Each copy is a 48-byte header — magic "EXODISK1", version,
 * block count, m, root block, sequence number, boot count, CRC-32 — then 20 bytes per block
 * (owner, read-write token, read-only token), little-endian. {@link #store} writes the copy
 * with the older sequence number, so a flush torn by a killed host leaves the other copy whole;
 * {@link #mount} takes the valid copy with the higher sequence number and refuses an image with
 * none. Block 2m is the root block, which the kernel owns and hands to the environments the
 * host booted (blk_root); data blocks follow it.
 *
 * <p>Tokens are drawn from a generator seeded by the run's seed and the image's boot count,
 * which {@link #mount} raises and persists at once, so no two runs issue the same tokens.
 */
public final class BlockOwners {
    /** Owner of a free block. */
    public static final int FREE = 0;
    /** Owner of the metadata blocks and the root block. */
    public static final int KERNEL = -1;
    /** The block number that asks {@link #allocate} for any free block (blk_alloc's -1). */
    public static final int ANY = -1;

    static final long MAGIC = 0x314B534944_4F5845L; // "EXODISK1" little-endian
    static final int VERSION = 1;
    static final int HEADER = 48;
    static final int ENTRY = 20;
    private static final int CHECKSUM_AT = 40;

    private final int blocks;
    private final int metaBlocks;
    private final int[] owner;
    private final long[] rwToken;
    private final long[] roToken;
    private long sequence;
    private long boots;
    private int checksum;
    private SplittableRandom random;
    private int lowestFree;
    private int free;
    private final java.util.HashMap<Integer, Integer> held = new java.util.HashMap<>();

    private BlockOwners(int blocks) {
        this.blocks = blocks;
        this.metaBlocks = metaBlocks(blocks);
        owner = new int[blocks];
        rwToken = new long[blocks];
        roToken = new long[blocks];
    }

    /** Blocks per metadata copy for an image of n blocks. */
    public static int metaBlocks(int n) {
        return (int) ((HEADER + (long) ENTRY * n + Disk.BLOCK_SIZE - 1) / Disk.BLOCK_SIZE);
    }

    /** The smallest image that holds both metadata copies, the root block and one data block. */
    public static int minimumBlocks(int n) {
        return 2 * metaBlocks(n) + 2;
    }

    /** Writes an empty table (every data block free, the root block the kernel's) to a new image and flushes it. */
    public static void format(Disk disk, long seed) {
        int n = disk.blocks();
        if (n < minimumBlocks(n)) {
            throw new DiskException(DiskException.Kind.CORRUPT, disk.path() + ": " + n + " blocks is too small for a disk image (at least " + minimumBlocks(n) + ")");
        }
        BlockOwners t = new BlockOwners(n);
        for (int b = 0; b <= t.root(); b++) t.owner[b] = KERNEL;
        t.random = new SplittableRandom(seed ^ 0xD15CL);
        t.rwToken[t.root()] = t.token();
        t.roToken[t.root()] = t.token();
        t.store(disk);
        t.store(disk);
        disk.flush();
    }

    /**
     * Reads the table from the image: the valid copy with the higher sequence number. Raises the
     * boot count and persists the table at once (so this run's tokens are new), and protects
     * the metadata blocks (not the root block) from DMA.
     *
     * @throws DiskException CORRUPT, naming what is wrong, if neither copy is valid
     */
    public static BlockOwners mount(Disk disk, long seed) {
        List<Copy> copies = inspect(disk);
        Copy current = current(copies);
        if (current == null) {
            throw new DiskException(DiskException.Kind.CORRUPT, disk.path() + ": not a valid disk image: metadata copy A " + copies.get(0).problem()
                    + "; copy B " + copies.get(1).problem());
        }
        BlockOwners best = current.table();
        best.boots++;
        best.random = new SplittableRandom(seed ^ (best.boots * 0x9E3779B97F4A7C15L));
        best.store(disk);
        disk.flush();
        disk.setProtectedBlocks(best.root());
        return best;
    }

    /**
     * One copy of the table as the image holds it: its name (A or B), its first block, and
     * either the table it describes or why it is not valid.
     */
    public record Copy(String name, int first, BlockOwners table, String problem) {
        public boolean valid() {
            return table != null;
        }
    }

    /**
     * Both copies of the table, read from the image without changing anything (for mount and
     * exo disk check).
     *
     * @throws DiskException CORRUPT if the image is too small to hold the table
     */
    public static List<Copy> inspect(Disk disk) {
        int n = disk.blocks();
        int m = metaBlocks(n);
        if (n < minimumBlocks(n)) {
            throw new DiskException(DiskException.Kind.CORRUPT, disk.path() + ": " + n + " blocks is too small to be a disk image (truncated?)");
        }
        List<Copy> copies = new ArrayList<>(2);
        for (int copy = 0; copy < 2; copy++) {
            String name = copy == 0 ? "A" : "B";
            try {
                copies.add(new Copy(name, copy * m, read(disk, copy * m, n), null));
            } catch (DiskException e) {
                copies.add(new Copy(name, copy * m, null, e.getMessage()));
            }
        }
        return copies;
    }

    /** The copy mount takes: the valid one with the higher sequence number (A if equal), or null if neither is valid. */
    public static Copy current(List<Copy> copies) {
        Copy best = null;
        for (Copy c : copies) {
            if (c.valid() && (best == null || c.table().sequence > best.table().sequence)) best = c;
        }
        return best;
    }

    private static BlockOwners read(Disk disk, int first, int n) {
        BlockOwners t = new BlockOwners(n);
        byte[] raw = new byte[t.metaBlocks * Disk.BLOCK_SIZE];
        byte[] b = new byte[Disk.BLOCK_SIZE];
        for (int i = 0; i < t.metaBlocks; i++) {
            disk.readBlock(first + i, b);
            System.arraycopy(b, 0, raw, i * Disk.BLOCK_SIZE, Disk.BLOCK_SIZE);
        }
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getLong(0) != MAGIC) throw corrupt("has no magic number (not an Exo disk image)");
        if (h.getInt(8) != VERSION) throw corrupt("has version " + h.getInt(8) + ", not " + VERSION);
        int stored = h.getInt(CHECKSUM_AT);
        h.putInt(CHECKSUM_AT, 0);
        if (checksum(raw) != stored) throw corrupt("fails its checksum");
        t.checksum = stored;
        if (h.getInt(12) != n) throw corrupt("describes " + h.getInt(12) + " blocks but the file holds " + n + " (truncated or extended?)");
        if (h.getInt(16) != t.metaBlocks || h.getInt(20) != t.root()) throw corrupt("has an inconsistent layout");
        t.sequence = h.getLong(24);
        t.boots = h.getLong(32);
        for (int i = 0; i < n; i++) {
            int at = HEADER + i * ENTRY;
            t.owner[i] = h.getInt(at);
            t.rwToken[i] = h.getLong(at + 4);
            t.roToken[i] = h.getLong(at + 12);
        }
        for (int i = 0; i <= t.root(); i++) {
            if (t.owner[i] != KERNEL) throw corrupt("gives kernel block " + i + " to owner " + t.owner[i]);
        }
        t.checkEntries();
        t.recount();
        return t;
    }

    /**
     * The invariants the kernel keeps for every entry: a data block is free (no tokens) or an
     * environment's (two distinct nonzero tokens); the root block has its tokens, the metadata
     * blocks none. A copy that passes its checksum and breaks one was written by a bug.
     */
    private void checkEntries() {
        for (int i = 0; i < blocks; i++) {
            int o = owner[i];
            boolean tokens = rwToken[i] != 0 || roToken[i] != 0;
            if (i < root()) {
                if (tokens) throw corrupt("gives metadata block " + i + " a capability");
            } else if (o == FREE) {
                if (tokens) throw corrupt("keeps a capability for free block " + i);
            } else if (i > root() && o < 0) {
                throw corrupt("gives data block " + i + " to owner " + o + ", which is no environment");
            } else if (rwToken[i] == 0 || roToken[i] == 0 || rwToken[i] == roToken[i]) {
                throw corrupt("gives block " + i + " no pair of distinct capabilities");
            }
        }
    }

    private static DiskException corrupt(String why) {
        return new DiskException(DiskException.Kind.CORRUPT, why);
    }

    private static int checksum(byte[] raw) {
        CRC32 crc = new CRC32();
        crc.update(raw);
        return (int) crc.getValue();
    }

    /** Buffers the table as the next copy (the one with the older sequence number); the next flush makes it durable. */
    public void store(Disk disk) {
        sequence++;
        byte[] raw = new byte[metaBlocks * Disk.BLOCK_SIZE];
        ByteBuffer h = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, blocks).putInt(16, metaBlocks).putInt(20, root());
        h.putLong(24, sequence).putLong(32, boots);
        for (int i = 0; i < blocks; i++) {
            int at = HEADER + i * ENTRY;
            h.putInt(at, owner[i]).putLong(at + 4, rwToken[i]).putLong(at + 12, roToken[i]);
        }
        h.putInt(CHECKSUM_AT, checksum(raw));
        int first = (int) (sequence % 2) * metaBlocks;
        for (int i = 0; i < metaBlocks; i++) {
            byte[] b = new byte[Disk.BLOCK_SIZE];
            System.arraycopy(raw, i * Disk.BLOCK_SIZE, b, 0, Disk.BLOCK_SIZE);
            disk.writeBlock(first + i, b);
        }
    }

    private void recount() {
        free = 0;
        lowestFree = blocks;
        held.clear();
        for (int i = blocks - 1; i > root(); i--) {
            if (owner[i] == FREE) {
                free++;
                lowestFree = i;
            } else {
                held.merge(owner[i], 1, Integer::sum);
            }
        }
    }

    /** Data blocks the table gives to this owner (an environment id): what its quota counts. */
    public int heldBy(int envId) {
        return held.getOrDefault(envId, 0);
    }

    public int blocks() {
        return blocks;
    }

    /** Blocks in one metadata copy. */
    public int metaBlocks() {
        return metaBlocks;
    }

    /** The root block: the kernel's, its capability handed to host-booted environments. */
    public int root() {
        return 2 * metaBlocks;
    }

    /** The first block an environment may allocate. */
    public int firstData() {
        return root() + 1;
    }

    public int freeBlocks() {
        return free;
    }

    public int owner(int b) {
        return owner[b];
    }

    public long rwToken(int b) {
        return rwToken[b];
    }

    public long roToken(int b) {
        return roToken[b];
    }

    /** The sequence number of the copy last read or stored: the higher of the two copies is current. */
    public long sequence() {
        return sequence;
    }

    /** The CRC-32 the copy was read with (0 for a table not read from an image). */
    public int checksum() {
        return checksum;
    }

    /** Blocks owned by each owner ({@link #KERNEL}, {@link #FREE}, environment ids), in that order of keys, as ranges {first, last}. */
    public SortedMap<Integer, List<int[]>> rangesByOwner() {
        SortedMap<Integer, List<int[]>> byOwner = new TreeMap<>((a, b) -> Integer.compare(ownerRank(a), ownerRank(b)) != 0
                ? Integer.compare(ownerRank(a), ownerRank(b)) : Integer.compare(a, b));
        for (int i = 0; i < blocks; i++) {
            List<int[]> ranges = byOwner.computeIfAbsent(owner[i], k -> new ArrayList<>());
            int[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1] == i - 1) last[1] = i;
            else ranges.add(new int[] {i, i});
        }
        return byOwner;
    }

    private static int ownerRank(int o) {
        return o == KERNEL ? 0 : o == FREE ? 1 : 2;
    }

    /** An owner as tools print it: kernel, free, or environment N. */
    public static String ownerName(int o) {
        return o == KERNEL ? "kernel" : o == FREE ? "free" : "environment " + o;
    }

    /** Ranges as tools print them: 0-2, 5, 7-15. */
    public static String rangeList(List<int[]> ranges) {
        StringBuilder sb = new StringBuilder();
        for (int[] r : ranges) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(r[0]);
            if (r[1] != r[0]) sb.append('-').append(r[1]);
        }
        return sb.toString();
    }

    /** Blocks by owner, one line each: owner, count, ranges (exo disk ls and check, the monitor's info disk). */
    public List<String> ownerLines() {
        List<String> lines = new ArrayList<>();
        for (var e : rangesByOwner().entrySet()) {
            lines.add(String.format("%-18s %7d  %s", ownerName(e.getKey()), count(e.getValue()), rangeList(e.getValue())));
        }
        return lines;
    }

    /** Blocks in these ranges. */
    public static int count(List<int[]> ranges) {
        int n = 0;
        for (int[] r : ranges) n += r[1] - r[0] + 1;
        return n;
    }

    /** Times the image has been mounted. */
    public long boots() {
        return boots;
    }

    /** Whether b names a data block (one an environment may allocate). */
    public boolean isData(int b) {
        return b >= firstData() && b < blocks;
    }

    /** Gives block b (or, with {@link #ANY}, the lowest free one) to envId with new tokens; returns it. */
    public int allocate(int b, int envId) {
        if (b == ANY) {
            if (free == 0) throw new GuestError(KernelError.NOSPC);
            b = lowestFree;
        } else if (!isData(b)) {
            throw new GuestError(KernelError.INVAL);
        } else if (owner[b] != FREE) {
            throw new GuestError(KernelError.BUSY);
        }
        owner[b] = envId;
        held.merge(envId, 1, Integer::sum);
        rwToken[b] = token();
        roToken[b] = token();
        free--;
        if (b == lowestFree) {
            while (lowestFree < blocks && owner[lowestFree] != FREE) lowestFree++;
        }
        return b;
    }

    /** Returns b to the free pool; both its capabilities go stale. */
    public void release(int b) {
        if (owner[b] == FREE || owner[b] == KERNEL) throw new IllegalStateException("block " + b + " is not an allocated data block");
        held.computeIfPresent(owner[b], (k, n) -> n == 1 ? null : n - 1);
        owner[b] = FREE;
        rwToken[b] = 0;
        roToken[b] = 0;
        free++;
        lowestFree = Math.min(lowestFree, b);
    }

    /**
     * Checks a capability for block b: E_INVAL for a block outside the image, E_BADCAP for a
     * free block or a wrong, stale or insufficient token. Returns whether it grants writing.
     */
    public boolean check(int b, long token, boolean needWrite) {
        if (b < 0 || b >= blocks) throw new GuestError(KernelError.INVAL);
        if (owner[b] == FREE || token == 0) throw new GuestError(KernelError.BADCAP);
        if (token == rwToken[b]) return true;
        if (token == roToken[b] && !needWrite) return false;
        throw new GuestError(KernelError.BADCAP);
    }

    private long token() {
        long t;
        do t = random.nextLong(); while (t == 0);
        return t;
    }
}
