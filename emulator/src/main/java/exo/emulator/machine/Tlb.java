package exo.emulator.machine;

/**
 * The software-managed TLB: 64 fully associative entries of 4 KiB pages tagged with an 8-bit
 * ASID. There is no hardware walker; a miss raises an exception and software (the kernel)
 * writes entries. The hardware sets an entry's referenced bit on its first use.
 *
 * <p>Every change is reported to the {@link Mmu}, whose host-side translation cache must only
 * ever mirror what this TLB holds.
 *
 * <p>Searches do not scan the 64 slots: {@link #validMask} has bit i set exactly when slot i is
 * valid, and {@link #bucket} holds, per hash line of the virtual page number, the mask of valid
 * slots whose vpn hashes there, and {@link #only} the slot of a line that holds exactly one. A
 * lookup tests only the slots of its line, lowest slot first, so it returns the same slot as a
 * scan in slot order would. Every write of a slot's vpn or
 * flags goes through {@link #setEntry} or {@link #flushAll}, which keep both masks exact.
 */
public final class Tlb {
    public static final int SIZE = 64;

    public static final int VALID = 1;
    public static final int WRITABLE = 2;
    public static final int EXECUTABLE = 4;
    public static final int GLOBAL = 8;
    public static final int NOCACHE = 16;
    /** Set by the hardware when the entry translates an access; cleared by software. */
    public static final int REFERENCED = 32;
    /** Flags software may set when writing an entry. */
    public static final int WRITE_FLAGS = VALID | WRITABLE | EXECUTABLE | GLOBAL | NOCACHE;

    private final int[] vpn = new int[SIZE];
    private final int[] asid = new int[SIZE];
    private final int[] pfn = new int[SIZE];
    private final int[] flags = new int[SIZE];
    private static final int BUCKET_BITS = 8;
    private final long[] bucket = new long[1 << BUCKET_BITS];
    /** Per line whose mask has exactly one bit: that bit's slot (meaningless otherwise). */
    private final byte[] only = new byte[1 << BUCKET_BITS];
    private long validMask;
    private int random;
    private Mmu mmu;

    public Tlb(long seed) {
        reseed(seed);
    }

    void attach(Mmu mmu) {
        this.mmu = mmu;
    }

    /** Restarts the replacement generator; the same seed gives the same replacement choices. */
    public void reseed(long seed) {
        int s = (int) (seed ^ (seed >>> 32)) * 0x9E3779B9 + 0x7F4A7C15;
        random = s == 0 ? 0x2545F491 : s;
    }

    /** Every entry and the replacement generator's state at one moment (a debugger's snapshot). */
    public record State(int[] vpn, int[] asid, int[] pfn, int[] flags, long[] bucket, byte[] only, long validMask, int random) {}

    public State state() {
        return new State(vpn.clone(), asid.clone(), pfn.clone(), flags.clone(), bucket.clone(), only.clone(), validMask, random);
    }

    /** Makes the TLB what it was in s; the MMU's host cache, which mirrored other entries, is flushed. */
    public void restore(State s) {
        System.arraycopy(s.vpn, 0, vpn, 0, SIZE);
        System.arraycopy(s.asid, 0, asid, 0, SIZE);
        System.arraycopy(s.pfn, 0, pfn, 0, SIZE);
        System.arraycopy(s.flags, 0, flags, 0, SIZE);
        System.arraycopy(s.bucket, 0, bucket, 0, bucket.length);
        System.arraycopy(s.only, 0, only, 0, only.length);
        validMask = s.validMask;
        random = s.random;
        if (mmu != null) mmu.flushHostCache();
    }

    /** Slot of the valid entry translating virtual page vpn for asid, or -1. */
    public int lookup(int vpn, int asid) {
        int b = bucketOf(vpn);
        long m = bucket[b];
        if ((m & (m - 1)) == 0) {
            // No slot or one: the usual case, answered without finding the bit.
            if (m == 0) return -1;
            int i = only[b];
            return this.vpn[i] == vpn && ((flags[i] & GLOBAL) != 0 || this.asid[i] == asid) ? i : -1;
        }
        for (; m != 0; m &= m - 1) {
            int i = lowestSlot(m);
            if (this.vpn[i] == vpn && ((flags[i] & GLOBAL) != 0 || this.asid[i] == asid)) return i;
        }
        return -1;
    }

    /**
     * The lowest set bit of a non-zero mask, by a de Bruijn multiply and a table: what
     * {@code Long.numberOfTrailingZeros} computes, but small enough for C1 to inline, where
     * it calls that method out of line.
     */
    static int lowestSlot(long m) {
        return LOWEST[(int) (((m & -m) * DE_BRUIJN) >>> 58)];
    }

    private static final long DE_BRUIJN = 0x07EDD5E59A4E28C2L;
    private static final byte[] LOWEST = new byte[64];
    static {
        for (int i = 0; i < 64; i++) LOWEST[(int) (((1L << i) * DE_BRUIJN) >>> 58)] = (byte) i;
    }

    private static int bucketOf(int vpn) {
        return (vpn ^ (vpn >>> BUCKET_BITS)) & ((1 << BUCKET_BITS) - 1);
    }

    /** Sets slot's vpn and flags, moving it between buckets and keeping the valid mask exact. */
    private void setEntry(int slot, int newVpn, int newFlags) {
        long bit = 1L << slot;
        if ((flags[slot] & VALID) != 0) {
            int b = bucketOf(vpn[slot]);
            long m = bucket[b] &= ~bit;
            if (m != 0 && (m & (m - 1)) == 0) only[b] = (byte) lowestSlot(m);
        }
        vpn[slot] = newVpn;
        flags[slot] = newFlags;
        if ((newFlags & VALID) != 0) {
            int b = bucketOf(newVpn);
            if ((bucket[b] |= bit) == bit) only[b] = (byte) slot;
            validMask |= bit;
        } else {
            validMask &= ~bit;
        }
    }

    /**
     * Writes slot with (vpn, asid) → (pfn, flags). Flags outside {@link #WRITE_FLAGS} are
     * ignored; the referenced bit starts clear.
     */
    public void write(int slot, int vpn, int asid, int pfn, int flags) {
        checkSlot(slot);
        int oldVpn = this.vpn[slot];
        this.asid[slot] = asid & 0xFF;
        this.pfn[slot] = pfn & 0xFFFFF;
        setEntry(slot, vpn & 0xFFFFF, flags & WRITE_FLAGS);
        changed(oldVpn, vpn & 0xFFFFF);
    }

    /**
     * Writes an entry into a slot chosen by replacement: an existing entry for the same (vpn,
     * asid) if there is one (so no page is ever mapped twice), else the first invalid slot, else
     * one chosen by the seeded generator. Returns the slot.
     */
    public int writeReplacing(int vpn, int asid, int pfn, int flags) {
        int slot = lookup(vpn & 0xFFFFF, asid & 0xFF);
        if (slot < 0) slot = firstInvalid();
        if (slot < 0) slot = nextRandom();
        write(slot, vpn, asid, pfn, flags);
        return slot;
    }

    private int firstInvalid() {
        long free = ~validMask;
        return free == 0 ? -1 : lowestSlot(free);
    }

    private int nextRandom() {
        int x = random;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        random = x;
        return (x >>> 8) & (SIZE - 1);
    }

    public void invalidate(int slot) {
        checkSlot(slot);
        int old = vpn[slot];
        setEntry(slot, old, 0);
        changed(old, old);
    }

    /** Invalidates every non-global entry of asid. */
    public void flushAsid(int asid) {
        for (long m = validMask; m != 0; m &= m - 1) {
            int i = lowestSlot(m);
            if ((flags[i] & GLOBAL) == 0 && this.asid[i] == (asid & 0xFF)) invalidate(i);
        }
    }

    public void flushAll() {
        java.util.Arrays.fill(flags, 0);
        java.util.Arrays.fill(bucket, 0);
        validMask = 0;
        if (mmu != null) mmu.flushHostCache();
    }

    /** Clears the referenced bit of slot so the next use sets it again. */
    public void clearReferenced(int slot) {
        checkSlot(slot);
        flags[slot] &= ~REFERENCED;
        changed(vpn[slot], vpn[slot]);
    }

    /** Takes write permission away from slot's entry; it stays valid for reads and keeps its referenced bit. */
    public void clearWritable(int slot) {
        checkSlot(slot);
        flags[slot] &= ~WRITABLE;
        changed(vpn[slot], vpn[slot]);
    }

    void markReferenced(int slot) {
        flags[slot] |= REFERENCED;
    }

    public int vpn(int slot) { return vpn[slot]; }
    public int asid(int slot) { return asid[slot]; }
    public int pfn(int slot) { return pfn[slot]; }
    public int flags(int slot) { return flags[slot]; }
    public boolean isValid(int slot) { return (flags[slot] & VALID) != 0; }

    private void changed(int oldVpn, int newVpn) {
        if (mmu != null) {
            mmu.invalidateHost(oldVpn);
            if (newVpn != oldVpn) mmu.invalidateHost(newVpn);
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SIZE) throw new IllegalArgumentException("TLB slot " + slot + " is not in 0.." + (SIZE - 1));
    }

    /** Human-readable flag letters, e.g. {@code VWX-- R}. */
    public static String flagString(int f) {
        return "" + ((f & VALID) != 0 ? 'V' : '-') + ((f & WRITABLE) != 0 ? 'W' : '-') + ((f & EXECUTABLE) != 0 ? 'X' : '-')
                + ((f & GLOBAL) != 0 ? 'G' : '-') + ((f & NOCACHE) != 0 ? 'N' : '-') + ((f & REFERENCED) != 0 ? 'R' : '-');
    }
}
