package exo.emulator.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Installed physical memory: little-endian bytes, page-granular size. Addresses here are
 * physical and already checked against {@link #size()} by the caller (the MMU raises a bus
 * error instead); an out-of-range physical address reaching this class is an emulator bug.
 *
 * <p>Memory is lazy: each page is its own 4 KiB array, and a page that was never written is the
 * one shared {@link #ZERO} page until something writes it. Architecturally all of {@link #size()}
 * is there and reads as zeros; on the host a run costs only the pages it writes (a 256 MiB
 * machine that runs hello.s writes about 40 of its 65,536 pages). Every writer here materialises
 * the page it writes first, except the {@code ...Unwatched} writers, whose callers hold a store
 * line of the MMU's host cache: {@link Mmu} materialises a page before any host-cache line maps
 * it (so a guest's first touch of a page, read or write, gives it memory). Nothing ever writes {@link #ZERO}.
 * Every page's array, {@link #ZERO} included, is exactly {@link #PAGE_SIZE} bytes: translated
 * code accesses the arrays the MMU's lines carry without bounds checks (exo.emulator.jit.RawAccess).
 *
 * <p>Writes made through {@link #writeByte}, {@link #writeHalf}, {@link #writeWord} and
 * {@link #write(int, byte[], int, int)} respect code watching: a page registered with
 * {@link #watchCode} has its listener told before it changes, which is how translated code
 * is invalidated when its page is written. The {@code ...Unwatched} writers skip that check; only
 * translated code's fast path uses them, for pages the MMU guarantees are not watched.
 */
public final class PhysicalMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    public static final int PAGE_MASK = PAGE_SIZE - 1;
    /** The largest memory a 20-bit physical page number can name, less one page: 4 GiB - 4 KiB. */
    public static final long MAX_SIZE = (1L << 32) - PAGE_SIZE;

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Told when a watched page is about to be written; the watch is then dropped. */
    public interface CodeWatcher {
        void codePageWritten(int ppn);
    }

    /** The page every page is until it is first written; all zeros, never written. */
    private static final byte[] ZERO = new byte[PAGE_SIZE];

    private final byte[][] pages;
    private final int size;
    private final boolean[] codePages;
    /**
     * Pages that may have changed since {@link #base}, the image last taken or restored: every
     * checked writer marks its page, and the MMU marks a page when it gives it a store line (the
     * only way to the unchecked writers), so with the host cache flushed after each image a page
     * not marked is provably unchanged.
     */
    private final boolean[] written;
    private Image base;
    private CodeWatcher watcher;
    private IntConsumer watchStarted;

    public PhysicalMemory(long size) {
        if (size < PAGE_SIZE || size % PAGE_SIZE != 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("physical memory must be a whole number of 4 KiB pages between 4 KiB and 2 GiB, not " + size);
        }
        this.size = (int) size;
        this.pages = new byte[(int) (size >>> PAGE_SHIFT)][];
        Arrays.fill(pages, ZERO);
        this.codePages = new boolean[pages.length];
        this.written = new boolean[pages.length];
    }

    public int size() {
        return size;
    }

    /** Pages that have been written and so hold host memory of their own. */
    public int materialisedPages() {
        int n = 0;
        for (byte[] p : pages) if (p != ZERO) n++;
        return n;
    }

    public int pages() {
        return codePages.length;
    }

    /** Whether [pa, pa+len) lies inside installed memory. */
    public boolean contains(long pa, long len) {
        return pa >= 0 && len >= 0 && pa + len <= size;
    }

    public int readWord(int pa) { return (int) INT.get(pages[pa >>> PAGE_SHIFT], pa & PAGE_MASK); }
    public int readHalf(int pa) { return (short) SHORT.get(pages[pa >>> PAGE_SHIFT], pa & PAGE_MASK); }
    public int readHalfUnsigned(int pa) { return ((short) SHORT.get(pages[pa >>> PAGE_SHIFT], pa & PAGE_MASK)) & 0xFFFF; }
    public int readByte(int pa) { return pages[pa >>> PAGE_SHIFT][pa & PAGE_MASK]; }
    public int readByteUnsigned(int pa) { return pages[pa >>> PAGE_SHIFT][pa & PAGE_MASK] & 0xFF; }

    public void writeWord(int pa, int v) { INT.set(writable(pa >>> PAGE_SHIFT), pa & PAGE_MASK, v); }
    public void writeHalf(int pa, int v) { SHORT.set(writable(pa >>> PAGE_SHIFT), pa & PAGE_MASK, (short) v); }
    public void writeByte(int pa, int v) { writable(pa >>> PAGE_SHIFT)[pa & PAGE_MASK] = (byte) v; }

    /*
     * Stores into a page the caller knows is materialised and not watched, skipping both checks:
     * translated code's fast path, whose store host-cache lines only ever map such pages (see Mmu).
     */
    public void writeWordUnwatched(int pa, int v) { INT.set(pages[pa >>> PAGE_SHIFT], pa & PAGE_MASK, v); }
    public void writeHalfUnwatched(int pa, int v) { SHORT.set(pages[pa >>> PAGE_SHIFT], pa & PAGE_MASK, (short) v); }
    public void writeByteUnwatched(int pa, int v) { pages[pa >>> PAGE_SHIFT][pa & PAGE_MASK] = (byte) v; }

    /*
     * The same accesses on a page's array at a page offset: translated code's fast path, which
     * finds the array in the MMU's host cache (Mmu.loadPage, Mmu.storePage). Stores skip both
     * checks, as the Unwatched ones do.
     */
    public static int readWord(byte[] page, int off) { return (int) INT.get(page, off); }
    public static int readHalf(byte[] page, int off) { return (short) SHORT.get(page, off); }
    public static int readHalfUnsigned(byte[] page, int off) { return ((short) SHORT.get(page, off)) & 0xFFFF; }
    public static int readByte(byte[] page, int off) { return page[off]; }
    public static int readByteUnsigned(byte[] page, int off) { return page[off] & 0xFF; }
    public static void writeWord(byte[] page, int off, int v) { INT.set(page, off, v); }
    public static void writeHalf(byte[] page, int off, int v) { SHORT.set(page, off, (short) v); }
    public static void writeByte(byte[] page, int off, int v) { page[off] = (byte) v; }

    /** Copies len bytes from src[off..] to physical address pa. */
    public void write(int pa, byte[] src, int off, int len) {
        while (len > 0) {
            int in = pa & PAGE_MASK, n = Math.min(len, PAGE_SIZE - in);
            System.arraycopy(src, off, writable(pa >>> PAGE_SHIFT), in, n);
            pa += n; off += n; len -= n;
        }
    }

    /** Copies len bytes at physical address pa into dst[off..]. */
    public void read(int pa, byte[] dst, int off, int len) {
        while (len > 0) {
            int in = pa & PAGE_MASK, n = Math.min(len, PAGE_SIZE - in);
            System.arraycopy(pages[pa >>> PAGE_SHIFT], in, dst, off, n);
            pa += n; off += n; len -= n;
        }
    }

    /** A copy of all of memory as the guest sees it (size() bytes; tests compare whole machines). */
    public byte[] toArray() {
        byte[] all = new byte[size];
        read(0, all, 0, size);
        return all;
    }

    /** Zeroes a whole physical page; a page never written is zeros already and stays unmaterialised. */
    public void clearPage(int ppn) {
        written[ppn] = true;
        if (codePages[ppn]) codeWritten(ppn);
        if (pages[ppn] != ZERO) Arrays.fill(pages[ppn], (byte) 0);
    }

    /**
     * The array holding page ppn, for an engine's inlined fetches from a page it reached through
     * the MMU (and so {@link #materialise materialised}); index it with the page offset.
     */
    public byte[] page(int ppn) {
        return pages[ppn];
    }

    /**
     * Gives page ppn host memory of its own if it has none yet, so that it can be written; the
     * MMU calls this before it lets a store line map the page. Does not check code watching. A
     * materialised page keeps its array for good (clearing and restoring write into it), which
     * the MMU's host-cache lines, holding the array, rely on.
     */
    public void materialise(int ppn) {
        if (pages[ppn] == ZERO) pages[ppn] = new byte[PAGE_SIZE];
    }

    /**
     * Memory's contents at one moment, for a debugger's snapshots. A page never written is held
     * as null; a page equal to the same page of the image it was taken after shares that image's
     * copy, so a series of images costs one copy per page per change, not per image. Images are
     * never written after they are taken.
     */
    public static final class Image {
        private final byte[][] pages;
        private final int copied;

        private Image(byte[][] pages, int copied) {
            this.pages = pages;
            this.copied = copied;
        }

        /** Pages this image copied rather than shared with the image it was taken after. */
        public int copiedPages() {
            return copied;
        }

        /** Each page this image holds (shared or copied), for a caller that counts host memory; null entries are zero pages. */
        public byte[][] heldPages() {
            return pages.clone();
        }
    }

    /**
     * An image of memory now, sharing every page that has not changed since previous (which may
     * be null). When previous is the image last taken or restored, only the pages written since
     * are looked at; the caller must then flush the MMU's host cache (see {@link #written}).
     */
    public Image image(Image previous) {
        boolean sinceBase = previous != null && previous == base;
        byte[][] copy = sinceBase ? previous.pages.clone() : new byte[pages.length][];
        int copied = 0;
        for (int i = 0; i < pages.length; i++) {
            if (sinceBase && !written[i]) continue;
            byte[] live = pages[i];
            byte[] before = previous == null ? null : previous.pages[i];
            if (live == ZERO) {
                copy[i] = null;
            } else if (before != null && Arrays.equals(before, live)) {
                copy[i] = before;
            } else if (before == null && Arrays.equals(live, ZERO)) {
                copy[i] = null; // materialised since, and still all zeros
            } else {
                copy[i] = live.clone();
                copied++;
            }
        }
        Image image = new Image(copy, copied);
        startTracking(image);
        return image;
    }

    /** Page ppn is about to be written through a store line of the MMU's host cache. */
    void markWritten(int ppn) {
        written[ppn] = true;
    }

    private void startTracking(Image image) {
        base = image;
        Arrays.fill(written, false);
    }

    /**
     * Makes memory what it was when image was taken. Each page that differs is written through
     * the checked path, so translated code of a page that changes is invalidated as for any write;
     * pages materialised since stay materialised (zeroed), as the MMU's host cache may map them.
     */
    public void restore(Image image) {
        if (image.pages.length != pages.length) throw new IllegalStateException("image of a memory of another size");
        Image now = base;
        for (int i = 0; i < pages.length; i++) {
            byte[] want = image.pages[i], live = pages[i];
            // Unwritten since base and held alike by both images: already what image holds.
            if (now != null && !written[i] && now.pages[i] == want) continue;
            if (want == null) {
                if (live != ZERO && !Arrays.equals(live, ZERO)) clearPage(i);
            } else if (!Arrays.equals(live, want)) {
                System.arraycopy(want, 0, writable(i), 0, PAGE_SIZE);
            }
        }
        startTracking(image);
    }

    public void setCodeWatcher(CodeWatcher w) {
        this.watcher = w;
    }

    /**
     * Registers ppn as holding translated code; the next write to it notifies the watcher. The
     * MMU is told first, so that no store host-cache line maps the page from then on.
     */
    public void watchCode(int ppn) {
        if (codePages[ppn]) return;
        codePages[ppn] = true;
        if (watchStarted != null) watchStarted.accept(ppn);
    }

    /** Told when a page becomes watched (the MMU drops its store lines for it). */
    void onWatchStarted(IntConsumer listener) {
        this.watchStarted = listener;
    }

    public boolean isWatched(int ppn) {
        return codePages[ppn];
    }

    /** Page ppn, about to be written: watchers told, materialised. */
    private byte[] writable(int ppn) {
        written[ppn] = true;
        if (codePages[ppn]) codeWritten(ppn);
        byte[] page = pages[ppn];
        if (page == ZERO) pages[ppn] = page = new byte[PAGE_SIZE];
        return page;
    }

    private void codeWritten(int ppn) {
        codePages[ppn] = false;
        if (watcher != null) watcher.codePageWritten(ppn);
    }
}
