package exo.emulator.machine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;

/**
 * Installed physical memory: little-endian bytes, page-granular size. Addresses here are
 * physical and already checked against {@link #size()} by the caller (the MMU raises a bus
 * error instead); an out-of-range physical address reaching this class is an emulator bug.
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

    final byte[] bytes;
    private final boolean[] codePages;
    private CodeWatcher watcher;
    private IntConsumer watchStarted;

    public PhysicalMemory(long size) {
        if (size < PAGE_SIZE || size % PAGE_SIZE != 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("physical memory must be a whole number of 4 KiB pages between 4 KiB and 2 GiB, not " + size);
        }
        this.bytes = new byte[(int) size];
        this.codePages = new boolean[(int) (size >>> PAGE_SHIFT)];
    }

    public int size() {
        return bytes.length;
    }

    public int pages() {
        return codePages.length;
    }

    /** Whether [pa, pa+len) lies inside installed memory. */
    public boolean contains(long pa, long len) {
        return pa >= 0 && len >= 0 && pa + len <= bytes.length;
    }

    public int readWord(int pa) { return (int) INT.get(bytes, pa); }
    public int readHalf(int pa) { return (short) SHORT.get(bytes, pa); }
    public int readHalfUnsigned(int pa) { return ((short) SHORT.get(bytes, pa)) & 0xFFFF; }
    public int readByte(int pa) { return bytes[pa]; }
    public int readByteUnsigned(int pa) { return bytes[pa] & 0xFF; }

    public void writeWord(int pa, int v) { touch(pa); INT.set(bytes, pa, v); }
    public void writeHalf(int pa, int v) { touch(pa); SHORT.set(bytes, pa, (short) v); }
    public void writeByte(int pa, int v) { touch(pa); bytes[pa] = (byte) v; }

    /*
     * Stores into a page the caller knows is not watched, skipping the check: translated code's
     * fast path, whose store host-cache lines only ever map unwatched pages (see Mmu).
     */
    public void writeWordUnwatched(int pa, int v) { INT.set(bytes, pa, v); }
    public void writeHalfUnwatched(int pa, int v) { SHORT.set(bytes, pa, (short) v); }
    public void writeByteUnwatched(int pa, int v) { bytes[pa] = (byte) v; }

    /** Copies len bytes from src[off..] to physical address pa. */
    public void write(int pa, byte[] src, int off, int len) {
        for (int p = pa >>> PAGE_SHIFT, end = (pa + len - 1) >>> PAGE_SHIFT; len > 0 && p <= end; p++) {
            if (codePages[p]) codeWritten(p);
        }
        System.arraycopy(src, off, bytes, pa, len);
    }

    /** Copies len bytes at physical address pa into dst[off..]. */
    public void read(int pa, byte[] dst, int off, int len) {
        System.arraycopy(bytes, pa, dst, off, len);
    }

    /** Zeroes a whole physical page. */
    public void clearPage(int ppn) {
        if (codePages[ppn]) codeWritten(ppn);
        java.util.Arrays.fill(bytes, ppn << PAGE_SHIFT, (ppn + 1) << PAGE_SHIFT, (byte) 0);
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

    private void touch(int pa) {
        int p = pa >>> PAGE_SHIFT;
        if (codePages[p]) codeWritten(p);
    }

    private void codeWritten(int ppn) {
        codePages[ppn] = false;
        if (watcher != null) watcher.codePageWritten(ppn);
    }

    /** The backing array, for the interpreter's and JIT's inlined accesses. */
    public byte[] array() {
        return bytes;
    }
}
