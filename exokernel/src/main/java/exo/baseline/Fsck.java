package exo.baseline;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * The consistency check of the baseline's file system, over an image file (tests, after a
 * crash) or over the kernel's metadata in memory (the fsck system call). From the root it walks
 * every directory and checks: each entry names an inode in use, once; names are 1..27 bytes
 * without '/'; every block an inode points at lies in the data area, is marked in use in the
 * bitmap, and belongs to no other inode; an inode's block count and size agree with its blocks.
 * Leaks — inodes in use but unreachable, blocks marked in use that nothing references — are what
 * a crash between the steps of a sync may leave (docs/baseline.md); they are counted apart and
 * are not problems.
 */
public final class Fsck {
    /** What the check found: problems (one line each), leaked inodes and blocks, blocks read. */
    public record Report(List<String> problems, int leakedInodes, int leakedBlocks, int blocksExamined) {
        public boolean consistent() {
            return problems.isEmpty();
        }
    }

    private final FsLayout l;
    private final IntFunction<byte[]> block;
    private final IntPredicate inUse;
    private final List<String> problems = new ArrayList<>();
    private final BitSet owned = new BitSet();
    private final BitSet reached = new BitSet();
    private final BitSet examined = new BitSet();

    private Fsck(FsLayout l, IntFunction<byte[]> block, IntPredicate inUse) {
        this.l = l;
        this.block = block;
        this.inUse = inUse;
    }

    /** Whether block 0 of the image holds the baseline's superblock magic (MONOFS01). */
    public static boolean isMonoImage(exo.emulator.machine.Disk d) {
        byte[] b = new byte[FsLayout.BLOCK];
        d.readBlock(0, b);
        return FsLayout.startsWith(b, FsLayout.MAGIC);
    }

    /** Checks the file system in the image at path (read only). */
    public static Report check(Path image) {
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "r")) {
            int blocks = (int) (f.length() / FsLayout.BLOCK);
            IntFunction<byte[]> read = b -> {
                byte[] x = new byte[FsLayout.BLOCK];
                try {
                    f.seek((long) b * FsLayout.BLOCK);
                    f.readFully(x);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return x;
            };
            FsLayout l = FsLayout.parse(read.apply(0), blocks, image.toString());
            byte[][] bitmap = new byte[l.bitmapBlocks()][];
            for (int i = 0; i < bitmap.length; i++) bitmap[i] = read.apply(l.bitmapStart() + i);
            int perBlock = FsLayout.BLOCK * 8;
            return check(l, read, b -> (bitmap[b / perBlock][b % perBlock >>> 3] & (1 << (b & 7))) != 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Report check(FsLayout l, IntFunction<byte[]> block, IntPredicate inUse) {
        return new Fsck(l, block, inUse).run();
    }

    private byte[] read(int b) {
        examined.set(b);
        return block.apply(b);
    }

    private ByteBuffer inode(int ino) {
        return FsLayout.le(read(l.inodeBlock(ino))).position(FsLayout.inodeOffset(ino)).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private Report run() {
        for (int b = 0; b < l.dataStart(); b++) if (!inUse.test(b)) problems.add("block " + b + " (metadata) is marked free");
        if (inode(FsLayout.ROOT).getInt(FsLayout.I_TYPE) != FsLayout.T_DIR) {
            problems.add("the root inode is not a directory");
            return report();
        }
        reached.set(FsLayout.ROOT);
        ArrayDeque<Integer> dirs = new ArrayDeque<>();
        dirs.add(FsLayout.ROOT);
        while (!dirs.isEmpty()) {
            int dir = dirs.poll();
            List<Integer> data = blocksOf(dir);
            ByteBuffer in = inode(dir);
            long size = Integer.toUnsignedLong(in.getInt(FsLayout.I_SIZE));
            if (size % FsLayout.DIRENT != 0) problems.add("directory inode " + dir + " has size " + size + ", not whole entries");
            for (int lbn = 0; lbn < data.size(); lbn++) {
                int b = data.get(lbn);
                if (b == 0) continue;
                byte[] blk = read(b);
                for (int s = 0; s < FsLayout.DIRENTS_PER_BLOCK && (long) lbn * FsLayout.BLOCK + (long) s * FsLayout.DIRENT < size; s++) {
                    int off = s * FsLayout.DIRENT;
                    int ino = FsLayout.le(blk).getInt(off);
                    if (ino == 0) continue;
                    String where = "directory inode " + dir + " entry " + (lbn * FsLayout.DIRENTS_PER_BLOCK + s);
                    int n = 0;
                    while (n < FsLayout.NAME_MAX + 1 && blk[off + 4 + n] != 0) n++;
                    String name = new String(blk, off + 4, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                    if (n == 0 || n > FsLayout.NAME_MAX || name.contains("/") || name.equals(".") || name.equals("..")) problems.add(where + " has a bad name");
                    if (ino <= FsLayout.ROOT || ino >= l.inodes()) {
                        problems.add(where + " (" + name + ") names inode " + ino + ", out of range");
                        continue;
                    }
                    int t = inode(ino).getInt(FsLayout.I_TYPE);
                    if (t != FsLayout.T_FILE && t != FsLayout.T_DIR) {
                        problems.add(where + " (" + name + ") names inode " + ino + ", which is free");
                        continue;
                    }
                    if (reached.get(ino)) {
                        problems.add(where + " (" + name + ") names inode " + ino + ", which has another name");
                        continue;
                    }
                    reached.set(ino);
                    if (t == FsLayout.T_DIR) dirs.add(ino);
                    else blocksOf(ino);
                }
            }
        }
        return report();
    }

    /** ino's data blocks by logical number (0: hole), checking every pointer and the counts. */
    private List<Integer> blocksOf(int ino) {
        ByteBuffer in = inode(ino);
        List<Integer> data = new ArrayList<>();
        for (int i = 0; i < FsLayout.DIRECT; i++) data.add(in.getInt(FsLayout.I_DIRECT + 4 * i));
        int ind = in.getInt(FsLayout.I_INDIRECT), dbl = in.getInt(FsLayout.I_DOUBLE);
        if (claim(ino, ind)) addAll(data, read(ind));
        else for (int i = 0; i < FsLayout.PTRS; i++) data.add(0);
        if (claim(ino, dbl)) {
            byte[] top = read(dbl);
            for (int i = 0; i < FsLayout.PTRS; i++) {
                int leaf = FsLayout.le(top).getInt(4 * i);
                if (claim(ino, leaf)) addAll(data, read(leaf));
                else for (int j = 0; j < FsLayout.PTRS; j++) data.add(0);
            }
        }
        long size = Integer.toUnsignedLong(in.getInt(FsLayout.I_SIZE));
        int count = 0;
        for (int lbn = 0; lbn < data.size(); lbn++) {
            int b = data.get(lbn);
            if (b == 0) continue;
            if (!claim(ino, b)) {
                data.set(lbn, 0);
                continue;
            }
            count++;
            if ((long) lbn * FsLayout.BLOCK >= size) problems.add("inode " + ino + " maps block " + b + " at " + (long) lbn * FsLayout.BLOCK + ", past its size " + size);
        }
        if (count != in.getInt(FsLayout.I_BLOCKS)) problems.add("inode " + ino + " counts " + in.getInt(FsLayout.I_BLOCKS) + " data blocks but maps " + count);
        return data;
    }

    private static void addAll(List<Integer> data, byte[] blk) {
        ByteBuffer r = FsLayout.le(blk);
        for (int i = 0; i < FsLayout.PTRS; i++) data.add(r.getInt(4 * i));
    }

    /** Records that ino uses block b; false (with a problem) if b is out of range, free or someone else's; false for 0. */
    private boolean claim(int ino, int b) {
        if (b == 0) return false;
        if (!l.isData(b)) {
            problems.add("inode " + ino + " points at block " + b + ", outside the data area");
            return false;
        }
        if (!inUse.test(b)) problems.add("inode " + ino + " uses block " + b + ", which the bitmap marks free");
        if (owned.get(b)) {
            problems.add("block " + b + " is used twice (again by inode " + ino + ")");
            return false;
        }
        owned.set(b);
        return true;
    }

    private Report report() {
        int leakedInodes = 0, leakedBlocks = 0;
        for (int ino = FsLayout.ROOT + 1; ino < l.inodes(); ino++) {
            if (!reached.get(ino) && inode(ino).getInt(FsLayout.I_TYPE) != FsLayout.T_FREE) leakedInodes++;
        }
        for (int b = l.dataStart(); b < l.blocks(); b++) if (inUse.test(b) && !owned.get(b)) leakedBlocks++;
        return new Report(List.copyOf(problems), leakedInodes, leakedBlocks, examined.cardinality());
    }
}
