package exo.baseline;

import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The baseline file system's on-disk format (docs/baseline.md, "On the image"), little-endian:
 *
 * <pre>
 *   block 0                superblock: magic MONOFS01, version, blocks, inodes, bitmap start and
 *                          length, inode-table start and length, first data block, CRC-32
 *   blocks 1 ..            free-block bitmap, one bit per block of the image (1 = in use)
 *   then                   the inode table, 64-byte inodes, 64 a block; inode 0 is never used,
 *                          inode 1 is the root directory
 *   then                   data: file contents, directories, indirect blocks
 * </pre>
 *
 * An inode: type (0 free, 1 file, 2 directory), size in bytes, data blocks held, 11 direct
 * block numbers, one indirect and one double-indirect block (1,024 numbers each); 0 is a hole.
 * A directory is a file of 32-byte entries: inode number (0: an empty slot), then the name,
 * NUL-padded (at most 27 bytes).
 */
record FsLayout(int blocks, int inodes, int bitmapStart, int bitmapBlocks, int inodeStart, int inodeBlocks, int dataStart) {
    static final byte[] MAGIC = "MONOFS01".getBytes(StandardCharsets.US_ASCII);
    /** The exokernel's table magic (docs/disks.md), recognised so that its images are refused by name. */
    static final byte[] EXO_MAGIC = "EXODISK1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int SUPER_CRC = 40;
    static final int BLOCK = Disk.BLOCK_SIZE;
    static final int INODE_BYTES = 64, INODES_PER_BLOCK = BLOCK / INODE_BYTES;
    static final int T_FREE = 0, T_FILE = 1, T_DIR = 2;
    static final int I_TYPE = 0, I_SIZE = 4, I_BLOCKS = 8, I_DIRECT = 12, DIRECT = 11, I_INDIRECT = 56, I_DOUBLE = 60;
    static final int PTRS = BLOCK / 4;
    static final int DIRENT = 32, NAME_MAX = 27, DIRENTS_PER_BLOCK = BLOCK / DIRENT;
    static final int ROOT = 1;
    /** Largest file: the format maps 11 + 1,024 + 1,024^2 blocks; the image is at most 1 GiB. */
    static final long FILE_MAX = 1L << 30;
    /** Smallest image: superblock, bitmap, one inode block, the root directory and a few data blocks. */
    static final int MIN_BLOCKS = 8;

    /** The layout mkfs gives an image of this many blocks: an inode per four blocks, 64 to 16,384. */
    static FsLayout forBlocks(int blocks) {
        int inodes = Math.min(16384, Math.max(64, (blocks / 4 + INODES_PER_BLOCK - 1) / INODES_PER_BLOCK * INODES_PER_BLOCK));
        int bitmapBlocks = (blocks + BLOCK * 8 - 1) / (BLOCK * 8);
        int inodeBlocks = inodes / INODES_PER_BLOCK;
        return new FsLayout(blocks, inodes, 1, bitmapBlocks, 1 + bitmapBlocks, inodeBlocks, 1 + bitmapBlocks + inodeBlocks);
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    byte[] superblock() {
        byte[] b = new byte[BLOCK];
        ByteBuffer w = le(b);
        w.put(MAGIC).putInt(VERSION).putInt(blocks).putInt(inodes).putInt(bitmapStart).putInt(bitmapBlocks).putInt(inodeStart).putInt(inodeBlocks)
                .putInt(dataStart);
        w.putInt(SUPER_CRC, crc(b));
        return b;
    }

    private static int crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b, 0, SUPER_CRC);
        return (int) c.getValue();
    }

    static boolean startsWith(byte[] b, byte[] magic) {
        for (int i = 0; i < magic.length; i++) if (b[i] != magic[i]) return false;
        return true;
    }

    static boolean allZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    /**
     * Reads a superblock, checking it against an image of imageBlocks blocks.
     *
     * @throws DiskException CORRUPT, saying why: the exokernel's image, another format, a bad
     *                       checksum, or a layout that does not fit the image
     */
    static FsLayout parse(byte[] b, int imageBlocks, String where) {
        if (startsWith(b, EXO_MAGIC)) {
            throw new DiskException(DiskException.Kind.CORRUPT, where + ": an exokernel image (EXODISK1), not the baseline kernel's file system; use --kernel exo");
        }
        if (!startsWith(b, MAGIC)) throw new DiskException(DiskException.Kind.CORRUPT, where + ": block 0 holds no baseline file system (magic MONOFS01) and is not zero");
        ByteBuffer r = le(b);
        if (r.getInt(SUPER_CRC) != crc(b)) throw new DiskException(DiskException.Kind.CORRUPT, where + ": the superblock's checksum does not match (corrupt)");
        if (r.getInt(8) != VERSION) throw new DiskException(DiskException.Kind.CORRUPT, where + ": superblock version " + r.getInt(8) + ", not " + VERSION);
        FsLayout l = new FsLayout(r.getInt(12), r.getInt(16), r.getInt(20), r.getInt(24), r.getInt(28), r.getInt(32), r.getInt(36));
        if (l.blocks != imageBlocks) {
            throw new DiskException(DiskException.Kind.CORRUPT, where + ": the superblock describes " + l.blocks + " blocks but the image holds " + imageBlocks + " (truncated?)");
        }
        if (!l.equals(forBlocks(imageBlocks))) throw new DiskException(DiskException.Kind.CORRUPT, where + ": the superblock's layout is not the one its size gives (corrupt)");
        return l;
    }

    /** The inode-table block holding inode ino, and its offset there. */
    int inodeBlock(int ino) {
        return inodeStart + ino / INODES_PER_BLOCK;
    }

    static int inodeOffset(int ino) {
        return ino % INODES_PER_BLOCK * INODE_BYTES;
    }

    boolean isData(int block) {
        return block >= dataStart && block < blocks;
    }
}
