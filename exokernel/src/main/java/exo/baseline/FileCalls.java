package exo.baseline;

import exo.emulator.machine.PhysicalMemory;
import exo.os.CostModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The file-system calls of {@link UnixCall} (open, read and write of files, lseek, mkdir,
 * readdir, unlink, rename, stat, fsync, sync, fsck) with the semantics and errors of the library
 * OS's fs.inc, on {@link MonoFs} and its {@link BufferCache}. A call that needs the disk queues
 * its requests and sleeps ({@link #sleep}); it restarts from the beginning when the interrupt
 * wakes it, and finds what it waited for in the cache. Every pointer is checked against the
 * caller's page table before the kernel touches memory.
 */
final class FileCalls {
    static final int O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_APPEND = 0x400;
    static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
    static final int DIRENT_BYTES = 40, STAT_BYTES = 16;
    static final int PATH_MAX = 1024;
    /** Blocks a sequential read asks for beyond its own range, so the disk works while the process copies. */
    static final int READ_AHEAD = 16;

    /** An open file description: shared by the descriptors fork copies, as in Unix. */
    static final class OpenFile {
        final int ino;
        final int flags;
        long offset;
        /** Where the last read ended, and how many reads in a row started where the one before ended. */
        long lastEnd;
        int sequential;
        int refs = 1;

        OpenFile(int ino, int flags) {
            this.ino = ino;
            this.flags = flags;
        }
    }

    private final MonoKernel k;
    final MonoFs fs;
    final BufferCache cache;
    private final CostModel cost;

    FileCalls(MonoKernel k, MonoFs fs, BufferCache cache) {
        this.k = k;
        this.fs = fs;
        this.cache = cache;
        this.cost = k.cost;
    }

    /**
     * The process must wait for the disk: it sleeps on channel (a buffer in flight, or one of
     * {@link BufferCache}'s channels) until an interrupt fires it, and its call restarts.
     */
    static RuntimeException sleep(Process p, Object channel) {
        p.waitsFor = channel;
        return new UnixCallHandlers.Blocked();
    }

    /** File-system calls wait while a sync writes the image, so each sync sees one consistent state. */
    private void unlocked(Process p) {
        if (cache.syncing()) throw sleep(p, BufferCache.SYNC);
    }

    private String pathIn(Process p, int va) {
        byte[] b = new byte[PATH_MAX];
        for (int i = 0; i < PATH_MAX; i++) {
            long w = k.mem.userAddress(p, va + i, false);
            if (w == UserMemory.UNMAPPED) throw Errno.EFAULT.fail();
            b[i] = (byte) k.machine.memory.readByte((int) w);
            if (b[i] == 0) {
                cost.charge((i + 4) / 4 * CostModel.WORD_COPIED);
                return new String(b, 0, i, StandardCharsets.ISO_8859_1);
            }
        }
        throw Errno.ENAMETOOLONG.fail();
    }

    private static List<String> components(String path) {
        if (path.isEmpty()) throw Errno.ENOENT.fail();
        List<String> l = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty()) continue;
            if (c.equals(".") || c.equals("..")) throw Errno.EINVAL.fail();
            if (c.length() > FsLayout.NAME_MAX) throw Errno.ENAMETOOLONG.fail();
            l.add(c);
        }
        return l;
    }

    /** A resolved path: the inodes of the directories on the way (root first), the last name (null for the root), its inode (0: none). */
    private record Where(List<Integer> dirs, String name, int ino) {
        int parent() {
            return dirs.get(dirs.size() - 1);
        }
    }

    private Where resolve(Process p, int pathVa) {
        List<String> cs = components(pathIn(p, pathVa));
        List<Integer> dirs = new ArrayList<>();
        int ino = FsLayout.ROOT;
        for (int i = 0; i < cs.size(); i++) {
            if (fs.type(ino) != FsLayout.T_DIR) throw Errno.ENOTDIR.fail();
            dirs.add(ino);
            ino = fs.lookup(ino, cs.get(i));
            if (ino == 0 && i < cs.size() - 1) throw Errno.ENOENT.fail();
        }
        return new Where(dirs, cs.isEmpty() ? null : cs.get(cs.size() - 1), ino);
    }

    int open(Process p, int pathVa, int flags) {
        unlocked(p);
        int mode = flags & O_ACCMODE;
        if (mode == O_ACCMODE) throw Errno.EINVAL.fail();
        Where w = resolve(p, pathVa);
        int ino = w.ino();
        if (ino != 0 && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) throw Errno.EEXIST.fail();
        if (ino == 0 && (flags & O_CREAT) == 0) throw Errno.ENOENT.fail();
        if (ino != 0 && fs.type(ino) == FsLayout.T_DIR && (mode != O_RDONLY || (flags & O_TRUNC) != 0)) throw Errno.EISDIR.fail();
        int fd = freeFd(p);
        if (ino == 0) {
            ino = fs.allocInode(FsLayout.T_FILE);
            if (ino == 0) throw Errno.ENOSPC.fail();
            if (!fs.addEntry(w.parent(), w.name(), ino)) {
                fs.drop(ino);
                throw Errno.ENOSPC.fail();
            }
        } else if ((flags & O_TRUNC) != 0 && mode != O_RDONLY && fs.size(ino) > 0) {
            fs.truncate(ino);
        }
        fs.opened(ino);
        p.fds[fd] = new OpenFile(ino, flags);
        cost.charge(2 * CostModel.TABLE_TOUCH);
        return fd;
    }

    private static int freeFd(Process p) {
        for (int i = 0; i < Process.MAX_FDS; i++) if (p.fds[i] == null) return i;
        throw Errno.EMFILE.fail();
    }

    /** Reads up to len bytes at the description's offset: whole cached blocks, holes as zeros. */
    int read(Process p, OpenFile f, int buf, int len) {
        unlocked(p);
        if ((f.flags & O_ACCMODE) == O_WRONLY) throw Errno.EBADF.fail();
        if (fs.type(f.ino) == FsLayout.T_DIR) throw Errno.EISDIR.fail();
        checkUser(p, buf, len, true);
        long size = fs.size(f.ino);
        int n = (int) Math.max(0, Math.min(len, size - f.offset));
        if (n == 0) return 0;
        List<BufferCache.Buf> bs = new ArrayList<>();
        Object wait = null;
        for (long pos = f.offset & ~(long) (FsLayout.BLOCK - 1); pos < f.offset + n; pos += FsLayout.BLOCK) {
            int b = fs.bmap(f.ino, (int) (pos / FsLayout.BLOCK));
            BufferCache.Buf x = b == 0 ? null : cache.get(b, true);
            if (b != 0 && x == null) wait = cache.channelFor(b); // the last one queued completes last
            bs.add(x);
        }
        // A second sequential read in a row reads ahead (a single one may be a random read that happened to follow on).
        if (f.offset == f.lastEnd && f.sequential >= 1) readAhead(f, (f.offset + n + FsLayout.BLOCK - 1) / FsLayout.BLOCK, size);
        if (cache.takeErrors() > 0) throw Errno.EIO.fail();
        if (wait != null) throw sleep(p, wait);
        byte[] out = new byte[n];
        int done = 0, i = 0;
        while (done < n) {
            long pos = f.offset + done;
            int off = (int) (pos % FsLayout.BLOCK), m = Math.min(n - done, FsLayout.BLOCK - off);
            BufferCache.Buf x = bs.get(i++);
            if (x != null) cache.read(x, off, out, done, m);
            done += m;
        }
        if (!k.mem.copyOut(p, buf, out, n)) throw Errno.EFAULT.fail();
        f.sequential = f.offset == f.lastEnd ? f.sequential + 1 : 0;
        f.offset += n;
        f.lastEnd = f.offset;
        return n;
    }

    /** Queues reads of the {@link #READ_AHEAD} blocks from lbn on (within the file) that are not cached; waits for none. */
    private void readAhead(OpenFile f, long lbn, long size) {
        for (long l = lbn; l < lbn + READ_AHEAD && l * FsLayout.BLOCK < size; l++) {
            int b = fs.bmap(f.ino, (int) l);
            if (b != 0) cache.get(b, true);
        }
    }

    /** Writes all of len bytes at the offset (the end, with O_APPEND) into the cache, allocating holes. */
    int write(Process p, OpenFile f, int buf, int len) {
        unlocked(p);
        if ((f.flags & O_ACCMODE) == O_RDONLY) throw Errno.EBADF.fail();
        checkUser(p, buf, len, false);
        if (len == 0) return 0;
        long start = (f.flags & O_APPEND) != 0 ? fs.size(f.ino) : f.offset, end = start + len;
        if (end > FsLayout.FILE_MAX) throw Errno.EFBIG.fail();
        int first = (int) (start / FsLayout.BLOCK), last = (int) ((end - 1) / FsLayout.BLOCK);
        int need = 0;
        for (int lbn = first; lbn <= last; lbn++) need += fs.allocationsFor(f.ino, lbn);
        if (need > fs.freeBlocks()) throw Errno.ENOSPC.fail();
        long size = fs.size(f.ino);
        List<BufferCache.Buf> bs = new ArrayList<>();
        Object wait = null;
        for (int lbn = first; lbn <= last; lbn++) {
            long bStart = (long) lbn * FsLayout.BLOCK;
            boolean whole = start <= bStart && end >= bStart + FsLayout.BLOCK;
            int b = fs.bmap(f.ino, lbn);
            BufferCache.Buf x;
            if (b == 0) {
                // A frame first, then the block: a new block's buffer is its only contents.
                if (!cache.frameAvailable()) {
                    wait = BufferCache.FRAMES;
                    break;
                }
                b = fs.bmapAlloc(f.ino, lbn);
                x = cache.fresh(b, whole);
            } else {
                x = cache.get(b, !whole && bStart < size);
                if (x == null) wait = cache.channelFor(b);
            }
            bs.add(x);
        }
        if (cache.takeErrors() > 0) throw Errno.EIO.fail();
        if (wait != null) throw sleep(p, wait);
        byte[] data = k.mem.copyIn(p, buf, len);
        if (data == null) throw Errno.EFAULT.fail();
        int done = 0, i = 0;
        while (done < len) {
            long pos = start + done;
            int off = (int) (pos % FsLayout.BLOCK), m = Math.min(len - done, FsLayout.BLOCK - off);
            BufferCache.Buf x = bs.get(i++);
            cache.write(x, off, data, done, m);
            cache.dirtied(x);
            done += m;
        }
        if (end > size) fs.setSize(f.ino, end);
        f.offset = end;
        return len;
    }

    /** Checks every page of [va, va+len) is mapped with the rights the transfer needs, touching nothing. */
    private void checkUser(Process p, int va, int len, boolean write) {
        if (len < 0) throw Errno.EINVAL.fail();
        if (len == 0) return;
        long endVa = Integer.toUnsignedLong(va) + len;
        if (endVa > 1L << 32) throw Errno.EFAULT.fail();
        for (long a = Integer.toUnsignedLong(va); a < endVa; a = (a & ~(long) (PhysicalMemory.PAGE_SIZE - 1)) + PhysicalMemory.PAGE_SIZE) {
            cost.charge(2 * CostModel.TABLE_TOUCH);
            if (k.mem.userAddress(p, (int) a, write) == UserMemory.UNMAPPED) throw Errno.EFAULT.fail();
        }
    }

    int lseek(Process p, OpenFile f, int offset, int whence) {
        long base = switch (whence) {
            case SEEK_SET -> 0;
            case SEEK_CUR -> f.offset;
            case SEEK_END -> fs.size(f.ino);
            default -> throw Errno.EINVAL.fail();
        };
        long next = base + offset;
        if (next < 0 || next > Integer.MAX_VALUE) throw Errno.EINVAL.fail();
        f.offset = next;
        return (int) next;
    }

    int mkdir(Process p, int pathVa) {
        unlocked(p);
        Where w = resolve(p, pathVa);
        if (w.name() == null || w.ino() != 0) throw Errno.EEXIST.fail();
        int ino = fs.allocInode(FsLayout.T_DIR);
        if (ino == 0) throw Errno.ENOSPC.fail();
        if (!fs.addEntry(w.parent(), w.name(), ino)) {
            fs.drop(ino);
            throw Errno.ENOSPC.fail();
        }
        return 0;
    }

    /** The next entry after the description's offset into dirent (40 bytes): 1, or 0 after the last. */
    int readdir(Process p, OpenFile f, int direntVa) {
        unlocked(p);
        if (fs.type(f.ino) != FsLayout.T_DIR) throw Errno.ENOTDIR.fail();
        checkUser(p, direntVa, DIRENT_BYTES, true);
        int slots = fs.slots(f.ino);
        for (int s = (int) (f.offset / FsLayout.DIRENT); s < slots; s++) {
            int ino = fs.slotIno(f.ino, s);
            if (ino == 0) continue;
            byte[] rec = new byte[DIRENT_BYTES];
            ByteBuffer r = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
            r.putInt(0, ino).putInt(4, fs.type(ino)).putInt(8, sizeOf(ino));
            byte[] name = fs.slotName(f.ino, s).getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(name, 0, rec, 12, name.length);
            if (!k.mem.copyOut(p, direntVa, rec, DIRENT_BYTES)) throw Errno.EFAULT.fail();
            f.offset = (long) (s + 1) * FsLayout.DIRENT;
            return 1;
        }
        f.offset = (long) slots * FsLayout.DIRENT;
        return 0;
    }

    /** What stat and readdir report as a size: bytes for a file, entries for a directory. */
    private int sizeOf(int ino) {
        return fs.type(ino) == FsLayout.T_DIR ? fs.entries(ino) : (int) fs.size(ino);
    }

    int unlink(Process p, int pathVa) {
        unlocked(p);
        Where w = resolve(p, pathVa);
        if (w.name() == null) throw Errno.EINVAL.fail();
        if (w.ino() == 0) throw Errno.ENOENT.fail();
        if (fs.type(w.ino()) == FsLayout.T_DIR && fs.entries(w.ino()) > 0) throw Errno.ENOTEMPTY.fail();
        fs.setSlot(w.parent(), fs.find(w.parent(), w.name()), 0, "");
        fs.drop(w.ino());
        return 0;
    }

    int rename(Process p, int fromVa, int toVa) {
        unlocked(p);
        Where from = resolve(p, fromVa);
        Where to = resolve(p, toVa);
        if (from.name() == null || to.name() == null) throw Errno.EINVAL.fail();
        if (from.ino() == 0) throw Errno.ENOENT.fail();
        boolean dir = fs.type(from.ino()) == FsLayout.T_DIR;
        if (dir && to.dirs().contains(from.ino())) throw Errno.EINVAL.fail();
        if (to.ino() == from.ino()) return 0;
        if (to.ino() != 0) {
            boolean toDir = fs.type(to.ino()) == FsLayout.T_DIR;
            if (toDir && !dir) throw Errno.EISDIR.fail();
            if (!toDir && dir) throw Errno.ENOTDIR.fail();
            if (toDir && fs.entries(to.ino()) > 0) throw Errno.ENOTEMPTY.fail();
            fs.setSlot(to.parent(), fs.find(to.parent(), to.name()), from.ino(), to.name());
            fs.drop(to.ino());
        } else if (!fs.addEntry(to.parent(), to.name(), from.ino())) {
            throw Errno.ENOSPC.fail();
        }
        int slot = fs.find(from.parent(), from.name());
        if (from.parent() == to.parent() && fs.slotIno(from.parent(), slot) != from.ino()) {
            throw new IllegalStateException("rename lost its source entry");
        }
        fs.setSlot(from.parent(), slot, 0, "");
        return 0;
    }

    int stat(Process p, int pathVa, int statVa) {
        unlocked(p);
        Where w = resolve(p, pathVa);
        int ino = w.name() == null ? FsLayout.ROOT : w.ino();
        if (ino == 0) throw Errno.ENOENT.fail();
        checkUser(p, statVa, STAT_BYTES, true);
        byte[] rec = new byte[STAT_BYTES];
        ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN).putInt(0, ino).putInt(4, fs.type(ino)).putInt(8, sizeOf(ino)).putInt(12, fs.dataBlocks(ino));
        if (!k.mem.copyOut(p, statVa, rec, STAT_BYTES)) throw Errno.EFAULT.fail();
        return 0;
    }

    /** Everything written so far is durable when this returns (fsync(fd) does the same). */
    int sync(Process p) {
        if (cache.startSync()) throw sleep(p, BufferCache.SYNC);
        return 0;
    }

    /** The consistency check of the kernel's current metadata; one line per problem on the caller's output. */
    int fsck(Process p) {
        unlocked(p);
        Fsck.Report r = Fsck.check(fs.layout, b -> {
            byte[] m = fs.metaBlock(b);
            return m != null ? m : new byte[FsLayout.BLOCK];
        }, fs::inUse);
        cost.charge(r.blocksExamined() * FsLayout.BLOCK / 4 * CostModel.WORD_COPIED);
        for (String s : r.problems()) {
            byte[] b = ("fsck: " + s + "\n").getBytes(StandardCharsets.UTF_8);
            k.output(p, b, b.length);
        }
        return r.problems().size();
    }

    /** A description's last descriptor closed. */
    void closed(OpenFile f) {
        if (--f.refs == 0) fs.closed(f.ino);
    }
}
