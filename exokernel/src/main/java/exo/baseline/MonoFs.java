package exo.baseline;

import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.os.CostModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The baseline kernel's file system (docs/baseline.md): the metadata and the name space.
 * Metadata — the bitmap, the inode table, directories and indirect blocks — is read into kernel
 * memory when the file system is mounted at boot and stays there (as a Unix keeps its metadata
 * buffers); changed blocks are marked dirty and reach the image only through a sync
 * ({@link BufferCache}), in the order that keeps the image consistent:
 *
 * <ol>
 *   <li>file data, indirect blocks and the bitmap (with blocks freed since the last sync still
 *       marked in use), then a flush;</li>
 *   <li>the inode table and the directories, then a flush;</li>
 *   <li>the frees: the inodes and blocks of files removed or truncated since the last sync are
 *       cleared, then a flush.</li>
 * </ol>
 *
 * So a durable directory entry always names a durable inode, and a durable inode only blocks
 * the durable bitmap marks in use; a crash between steps at worst leaks blocks or inodes. Freed
 * blocks and inodes are not reused until step 3 has made them free on the image.
 *
 * <p>Longer than most classes: every change to the on-image structures (bitmap, inodes, block
 * maps, directories) and what each sync step takes of them stay in one place, so the ordering
 * rules above can be checked against one file.
 */
final class MonoFs {
    final Disk disk;
    final FsLayout layout;
    private final CostModel cost;
    /** Every metadata block, by number: the image's contents plus changes not yet synced. */
    private final Map<Integer, byte[]> meta = new HashMap<>();
    /** Directory blocks (written in step 2 with the inode table). */
    private final Set<Integer> dirBlocks = new HashSet<>();
    private final TreeSet<Integer> dirty = new TreeSet<>();
    private final List<Integer> freedBlocks = new ArrayList<>();
    private final Set<Integer> freedInodes = new HashSet<>();
    /** The frees the running sync's third step applies: those made before it began. */
    private final List<Integer> freeingBlocks = new ArrayList<>();
    private final Set<Integer> freeingInodes = new HashSet<>();
    /** Open descriptions per inode: a removed file open somewhere is freed at its last close. */
    private final Map<Integer, Integer> opens = new HashMap<>();
    private final Set<Integer> unlinkedOpen = new HashSet<>();
    private int freeCount;
    private int rotor;
    /** Data blocks whose buffers must be dropped (freed): the buffer cache takes them. */
    final List<Integer> discarded = new ArrayList<>();
    /** Whether mount found a zero image and formatted it. */
    final boolean formatted;

    private MonoFs(Disk disk, FsLayout layout, CostModel cost, boolean formatted) {
        this.disk = disk;
        this.layout = layout;
        this.cost = cost;
        this.formatted = formatted;
    }

    /**
     * Mounts the image at boot (programmed I/O, before any process runs), formatting it first if
     * block 0 is all zeros.
     *
     * @throws DiskException CORRUPT if the image holds another format or damaged metadata
     */
    static MonoFs mount(Disk disk, CostModel cost) {
        String where = disk.path().toString();
        byte[] sb = new byte[FsLayout.BLOCK];
        disk.readBlock(0, sb);
        boolean zero = FsLayout.allZero(sb);
        if (zero) {
            requireRoom(disk);
            format(disk);
            disk.readBlock(0, sb);
        }
        FsLayout l = FsLayout.parse(sb, disk.blocks(), where);
        MonoFs fs = new MonoFs(disk, l, cost, zero);
        fs.load(where);
        return fs;
    }

    static void requireRoom(Disk disk) {
        if (disk.blocks() < FsLayout.MIN_BLOCKS) {
            throw new DiskException(DiskException.Kind.CORRUPT, disk.path() + ": " + disk.blocks() + " blocks is too small for the baseline's file system (at least "
                    + FsLayout.MIN_BLOCKS + ", 32K)");
        }
    }

    /** Writes an empty file system (a root directory of no entries) and flushes it. */
    static void format(Disk disk) {
        FsLayout l = FsLayout.forBlocks(disk.blocks());
        byte[] zero = new byte[FsLayout.BLOCK];
        for (int b = 1; b < l.dataStart(); b++) disk.writeBlock(b, zero);
        byte[] bitmap = new byte[FsLayout.BLOCK];
        for (int b = 0; b < l.dataStart(); b++) setBit(bitmap, b, true);
        disk.writeBlock(l.bitmapStart(), bitmap);
        byte[] inodes = new byte[FsLayout.BLOCK];
        FsLayout.le(inodes).putInt(FsLayout.inodeOffset(FsLayout.ROOT) + FsLayout.I_TYPE, FsLayout.T_DIR);
        disk.writeBlock(l.inodeBlock(FsLayout.ROOT), inodes);
        disk.writeBlock(0, l.superblock());
        disk.flush();
    }

    private static void setBit(byte[] bitmap, int bit, boolean on) {
        if (on) bitmap[bit >>> 3] |= (byte) (1 << (bit & 7));
        else bitmap[bit >>> 3] &= (byte) ~(1 << (bit & 7));
    }

    /** Reads the bitmap, the inode table and every directory and indirect block into memory. */
    private void load(String where) {
        for (int b = layout.bitmapStart(); b < layout.dataStart(); b++) meta.put(b, read(b));
        for (int b = 0; b < layout.blocks(); b++) if (!inUse(b)) freeCount++;
        for (int ino = 1; ino < layout.inodes(); ino++) {
            int t = type(ino);
            if (t == FsLayout.T_FREE) continue;
            if (t != FsLayout.T_FILE && t != FsLayout.T_DIR) throw new DiskException(DiskException.Kind.CORRUPT, where + ": inode " + ino + " has type " + t + " (corrupt)");
            ByteBuffer r = inodeView(ino);
            for (int level = 1; level <= 2; level++) {
                int ind = r.getInt(inodeAt(ino) + (level == 1 ? FsLayout.I_INDIRECT : FsLayout.I_DOUBLE));
                loadIndirect(ind, level, where);
            }
            if (t == FsLayout.T_DIR) {
                for (int lbn = 0; (long) lbn * FsLayout.BLOCK < size(ino); lbn++) {
                    int b = bmap(ino, lbn);
                    if (b == 0) continue;
                    check(b, where);
                    meta.put(b, read(b));
                    dirBlocks.add(b);
                }
            }
        }
        if (type(FsLayout.ROOT) != FsLayout.T_DIR) throw new DiskException(DiskException.Kind.CORRUPT, where + ": the root inode is not a directory (corrupt)");
    }

    private void loadIndirect(int b, int level, String where) {
        if (b == 0) return;
        check(b, where);
        byte[] blk = read(b);
        meta.put(b, blk);
        if (level == 2) for (int i = 0; i < FsLayout.PTRS; i++) loadIndirect(FsLayout.le(blk).getInt(4 * i), 1, where);
    }

    private void check(int b, String where) {
        if (!layout.isData(b)) throw new DiskException(DiskException.Kind.CORRUPT, where + ": an inode points at block " + b + ", outside the data area (corrupt)");
    }

    private byte[] read(int b) {
        byte[] blk = new byte[FsLayout.BLOCK];
        disk.readBlock(b, blk);
        return blk;
    }

    /** The metadata block b as kept in memory (for the consistency check), or null. */
    byte[] metaBlock(int b) {
        return meta.get(b);
    }

    boolean inUse(int b) {
        byte[] bm = meta.get(layout.bitmapStart() + b / (FsLayout.BLOCK * 8));
        int bit = b % (FsLayout.BLOCK * 8);
        return (bm[bit >>> 3] & (1 << (bit & 7))) != 0;
    }

    private void mark(int b, boolean on) {
        int blk = layout.bitmapStart() + b / (FsLayout.BLOCK * 8);
        setBit(meta.get(blk), b % (FsLayout.BLOCK * 8), on);
        dirty.add(blk);
        cost.charge(CostModel.BITMAP_WORD + CostModel.WORD_SAVED);
    }

    int freeBlocks() {
        return freeCount;
    }

    /** A free data block, marked in use, or 0 if none: a scan of the bitmap word by word from a rotor. */
    int allocBlock() {
        if (freeCount == 0) return 0;
        int n = layout.blocks() - layout.dataStart();
        for (int i = 0; i < n; i++) {
            int b = layout.dataStart() + (rotor + i) % n;
            if (i % 32 == 0 || b % 32 == 0) cost.charge(CostModel.BITMAP_WORD);
            if (!inUse(b)) {
                rotor = b - layout.dataStart() + 1;
                mark(b, true);
                freeCount--;
                return b;
            }
        }
        throw new IllegalStateException("free count " + freeCount + " but no free block in the bitmap");
    }

    /** A zeroed metadata block (directory or indirect), or 0 if the disk is full. */
    private int allocMeta(boolean directory) {
        int b = allocBlock();
        if (b == 0) return 0;
        meta.put(b, new byte[FsLayout.BLOCK]);
        if (directory) dirBlocks.add(b);
        dirty.add(b);
        cost.charge(CostModel.PAGE_CLEAR);
        return b;
    }

    /** Frees b at the next sync's third step (see the class comment); its cached contents go now. */
    private void release(int b) {
        if (b == 0) return;
        if (meta.remove(b) != null) {
            dirty.remove(b);
            dirBlocks.remove(b);
        } else {
            discarded.add(b);
        }
        freedBlocks.add(b);
    }

    private ByteBuffer inodeView(int ino) {
        return FsLayout.le(meta.get(layout.inodeBlock(ino)));
    }

    private static int inodeAt(int ino) {
        return FsLayout.inodeOffset(ino);
    }

    private int field(int ino, int f) {
        return inodeView(ino).getInt(inodeAt(ino) + f);
    }

    private void setField(int ino, int f, int v) {
        inodeView(ino).putInt(inodeAt(ino) + f, v);
        dirty.add(layout.inodeBlock(ino));
    }

    int type(int ino) {
        return field(ino, FsLayout.I_TYPE);
    }

    long size(int ino) {
        return Integer.toUnsignedLong(field(ino, FsLayout.I_SIZE));
    }

    int dataBlocks(int ino) {
        return field(ino, FsLayout.I_BLOCKS);
    }

    void setSize(int ino, long size) {
        setField(ino, FsLayout.I_SIZE, (int) size);
        cost.charge(CostModel.INODE_UPDATE);
    }

    /**
     * A free inode of type t, zeroed, or 0 if the table is full. Charged as a scan of an
     * in-memory bitmap of free inodes (a word per 32), as a kernel keeps one.
     */
    int allocInode(int type) {
        for (int ino = FsLayout.ROOT + 1; ino < layout.inodes(); ino++) {
            if (ino % 32 == 0 || ino == FsLayout.ROOT + 1) cost.charge(CostModel.BITMAP_WORD);
            if (type(ino) == FsLayout.T_FREE) {
                ByteBuffer v = inodeView(ino);
                for (int i = 0; i < FsLayout.INODE_BYTES; i += 4) v.putInt(inodeAt(ino) + i, 0);
                setField(ino, FsLayout.I_TYPE, type);
                cost.charge(CostModel.INODE_UPDATE);
                return ino;
            }
        }
        return 0;
    }

    /** The disk block holding byte lbn * 4096 of ino, or 0 for a hole. */
    int bmap(int ino, int lbn) {
        cost.charge(CostModel.TABLE_TOUCH);
        if (lbn < FsLayout.DIRECT) return field(ino, FsLayout.I_DIRECT + 4 * lbn);
        lbn -= FsLayout.DIRECT;
        if (lbn < FsLayout.PTRS) return entry(field(ino, FsLayout.I_INDIRECT), lbn);
        lbn -= FsLayout.PTRS;
        return entry(entry(field(ino, FsLayout.I_DOUBLE), lbn / FsLayout.PTRS), lbn % FsLayout.PTRS);
    }

    private int entry(int indirect, int i) {
        if (indirect == 0) return 0;
        cost.charge(CostModel.TABLE_TOUCH);
        return FsLayout.le(meta.get(indirect)).getInt(4 * i);
    }

    /** Blocks a write of lbn would allocate at most (the data block and its indirect blocks). */
    int allocationsFor(int ino, int lbn) {
        if (bmap(ino, lbn) != 0) return 0;
        if (lbn < FsLayout.DIRECT) return 1;
        lbn -= FsLayout.DIRECT;
        if (lbn < FsLayout.PTRS) return field(ino, FsLayout.I_INDIRECT) == 0 ? 2 : 1;
        int dbl = field(ino, FsLayout.I_DOUBLE);
        if (dbl == 0) return 3;
        return entry(dbl, (lbn - FsLayout.PTRS) / FsLayout.PTRS) == 0 ? 2 : 1;
    }

    /**
     * The block for lbn of ino, allocating it (and the indirect blocks on the way) if it is a
     * hole; 0 if the disk is full. A new data block is counted in the inode's block total.
     */
    int bmapAlloc(int ino, int lbn) {
        int b = bmap(ino, lbn);
        if (b != 0) return b;
        boolean dir = type(ino) == FsLayout.T_DIR;
        if (lbn < FsLayout.DIRECT) {
            b = dir ? allocMeta(true) : allocBlock();
            if (b != 0) setField(ino, FsLayout.I_DIRECT + 4 * lbn, b);
        } else {
            int rel = lbn - FsLayout.DIRECT;
            int slotField = rel < FsLayout.PTRS ? FsLayout.I_INDIRECT : FsLayout.I_DOUBLE;
            int top = field(ino, slotField);
            if (top == 0 && (top = allocMeta(false)) == 0) return 0;
            setField(ino, slotField, top);
            int leaf = top, idx = rel;
            if (rel >= FsLayout.PTRS) {
                rel -= FsLayout.PTRS;
                leaf = entry(top, rel / FsLayout.PTRS);
                if (leaf == 0) {
                    if ((leaf = allocMeta(false)) == 0) return 0;
                    setEntry(top, rel / FsLayout.PTRS, leaf);
                }
                idx = rel % FsLayout.PTRS;
            }
            b = dir ? allocMeta(true) : allocBlock();
            if (b != 0) setEntry(leaf, idx, b);
        }
        if (b != 0) setField(ino, FsLayout.I_BLOCKS, dataBlocks(ino) + 1);
        cost.charge(CostModel.INODE_UPDATE);
        return b;
    }

    private void setEntry(int indirect, int i, int v) {
        FsLayout.le(meta.get(indirect)).putInt(4 * i, v);
        dirty.add(indirect);
        cost.charge(CostModel.WORD_SAVED);
    }

    /** Drops every block of ino (they are freed at the next sync) and sets its size to 0. */
    void truncate(int ino) {
        for (int i = 0; i < FsLayout.DIRECT; i++) {
            release(field(ino, FsLayout.I_DIRECT + 4 * i));
            setField(ino, FsLayout.I_DIRECT + 4 * i, 0);
        }
        int ind = field(ino, FsLayout.I_INDIRECT), dbl = field(ino, FsLayout.I_DOUBLE);
        releaseIndirect(ind, 1);
        releaseIndirect(dbl, 2);
        setField(ino, FsLayout.I_INDIRECT, 0);
        setField(ino, FsLayout.I_DOUBLE, 0);
        setField(ino, FsLayout.I_BLOCKS, 0);
        setSize(ino, 0);
    }

    private void releaseIndirect(int b, int level) {
        if (b == 0) return;
        ByteBuffer r = FsLayout.le(meta.get(b));
        for (int i = 0; i < FsLayout.PTRS; i++) {
            int e = r.getInt(4 * i);
            if (e == 0) continue;
            cost.charge(CostModel.TABLE_TOUCH);
            if (level == 2) releaseIndirect(e, 1);
            else release(e);
        }
        release(b);
    }

    /** ino's last name is gone: it is freed now, or at its last close if it is open. */
    void drop(int ino) {
        if (opens.getOrDefault(ino, 0) > 0) {
            unlinkedOpen.add(ino);
            return;
        }
        truncate(ino);
        freedInodes.add(ino);
    }

    void opened(int ino) {
        opens.merge(ino, 1, Integer::sum);
    }

    void closed(int ino) {
        int n = opens.merge(ino, -1, Integer::sum);
        if (n == 0) {
            opens.remove(ino);
            if (unlinkedOpen.remove(ino)) drop(ino);
        }
    }

    /** Entries slots a directory's size covers. */
    int slots(int dir) {
        return (int) (size(dir) / FsLayout.DIRENT);
    }

    /** The inode in slot i of dir (0: empty), reading its block from memory. */
    int slotIno(int dir, int i) {
        cost.charge(CostModel.DIRENT_SCAN);
        int b = bmap(dir, i / FsLayout.DIRENTS_PER_BLOCK);
        return b == 0 ? 0 : FsLayout.le(meta.get(b)).getInt(i % FsLayout.DIRENTS_PER_BLOCK * FsLayout.DIRENT);
    }

    String slotName(int dir, int i) {
        byte[] blk = meta.get(bmap(dir, i / FsLayout.DIRENTS_PER_BLOCK));
        int off = i % FsLayout.DIRENTS_PER_BLOCK * FsLayout.DIRENT + 4;
        int n = 0;
        while (n < FsLayout.NAME_MAX && blk[off + n] != 0) n++;
        return new String(blk, off, n, StandardCharsets.ISO_8859_1);
    }

    /** The slot holding name in dir, or -1. */
    int find(int dir, String name) {
        int n = slots(dir);
        for (int i = 0; i < n; i++) {
            if (slotIno(dir, i) != 0 && slotName(dir, i).equals(name)) return i;
        }
        return -1;
    }

    int lookup(int dir, String name) {
        int s = find(dir, name);
        return s < 0 ? 0 : slotIno(dir, s);
    }

    /** Adds (name, ino) to dir in the first empty slot, growing it by a block if needed; false if the disk is full. */
    boolean addEntry(int dir, String name, int ino) {
        int n = slots(dir), slot = n;
        for (int i = 0; i < n; i++) {
            if (slotIno(dir, i) == 0) {
                slot = i;
                break;
            }
        }
        int lbn = slot / FsLayout.DIRENTS_PER_BLOCK;
        int b = bmapAlloc(dir, lbn);
        if (b == 0) return false;
        writeSlot(b, slot, ino, name);
        if (slot == n) setSize(dir, (long) (n + 1) * FsLayout.DIRENT);
        return true;
    }

    void setSlot(int dir, int slot, int ino, String name) {
        writeSlot(bmap(dir, slot / FsLayout.DIRENTS_PER_BLOCK), slot, ino, name);
    }

    private void writeSlot(int b, int slot, int ino, String name) {
        byte[] blk = meta.get(b);
        int off = slot % FsLayout.DIRENTS_PER_BLOCK * FsLayout.DIRENT;
        FsLayout.le(blk).putInt(off, ino);
        byte[] nm = name.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < FsLayout.NAME_MAX + 1; i++) blk[off + 4 + i] = i < nm.length ? nm[i] : 0;
        dirty.add(b);
        cost.charge(FsLayout.DIRENT / 4 * CostModel.WORD_SAVED);
    }

    /** Live entries in dir. */
    int entries(int dir) {
        int n = 0, s = slots(dir);
        for (int i = 0; i < s; i++) if (slotIno(dir, i) != 0) n++;
        return n;
    }

    boolean needsSync() {
        return !dirty.isEmpty() || !freedBlocks.isEmpty() || !freedInodes.isEmpty();
    }

    /** Step 1's metadata: dirty indirect and bitmap blocks (taken off the dirty list). */
    List<Integer> takeStep1() {
        List<Integer> l = new ArrayList<>();
        for (int b : dirty) if (!isStep2(b)) l.add(b);
        l.forEach(dirty::remove);
        return l;
    }

    /** Step 2's metadata: dirty inode-table and directory blocks. */
    List<Integer> takeStep2() {
        List<Integer> l = new ArrayList<>(dirty);
        dirty.clear();
        return l;
    }

    private boolean isStep2(int b) {
        return (b >= layout.inodeStart() && b < layout.dataStart()) || dirBlocks.contains(b);
    }

    /** A sync begins: its third step will free what was freed until now (a file closed meanwhile waits for the next). */
    void beginSync() {
        freeingBlocks.addAll(freedBlocks);
        freeingInodes.addAll(freedInodes);
        freedBlocks.clear();
        freedInodes.clear();
    }

    /** Step 3: clears the freed inodes and bitmap bits; returns the blocks that changed. */
    List<Integer> applyFrees() {
        for (int ino : freeingInodes) setField(ino, FsLayout.I_TYPE, FsLayout.T_FREE);
        for (int b : freeingBlocks) {
            mark(b, false);
            freeCount++;
        }
        freeingInodes.clear();
        freeingBlocks.clear();
        return takeStep2();
    }

    /** A copy of metadata block b as it is now, for a write to the image. */
    byte[] snapshot(int b) {
        return meta.get(b).clone();
    }
}
