package exo.baseline;

import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import exo.os.CostModel;
import exo.os.GuestOs;
import java.util.BitSet;

/**
 * The baseline kernel's memory: the free page frames, the mapping of new zeroed pages into a
 * process's page table, and every kernel access to user memory, which walks the caller's page
 * table (demand-zeroing heap and stack) and checks the rights before touching a byte.
 */
final class UserMemory {
    private final PhysicalMemory memory;
    private final Tlb tlb;
    private final CostModel cost;
    private final int pageLimit;
    private final BitSet freePages = new BitSet();

    /** What {@link #mapNew} answers when no page is free or the process is at its limit. */
    static final int NO_PAGE = -1;
    /** What {@link #userAddress} answers for an address not mapped with the rights asked. */
    static final int UNMAPPED = GuestOs.UNMAPPED;
    /** What {@link #loadWord} answers for a word it cannot read (every word read is 0 to 2^32 - 1). */
    static final long UNREADABLE = -1;

    UserMemory(Machine machine, CostModel cost, int pageLimit) {
        this.memory = machine.memory;
        this.tlb = machine.tlb;
        this.cost = cost;
        this.pageLimit = pageLimit;
        freePages.set(0, memory.pages());
    }

    int freePages() {
        return freePages.cardinality();
    }

    boolean hasFreePages(int n) {
        return freePages.cardinality() >= n;
    }

    /** Allocates a zeroed page and maps it at va with pte flags; returns its frame number, or {@link #NO_PAGE}. */
    int mapNew(Process p, int va, int flags) {
        int ppn = freePages.nextSetBit(0);
        if (ppn < 0 || p.pagesOwned >= pageLimit) return NO_PAGE;
        freePages.clear(ppn);
        memory.clearPage(ppn);
        p.pagesOwned++;
        p.setPte(Pages.number(va), Process.makePte(ppn, flags));
        cost.charge(CostModel.PAGE_CLEAR + 2 * CostModel.TABLE_TOUCH);
        return ppn;
    }

    /** Takes n free frames for the kernel's own use (the buffer cache), for good; null if fewer are free. */
    int[] takeFrames(int n) {
        if (freePages.cardinality() < n) return null;
        int[] f = new int[n];
        for (int i = 0; i < n; i++) {
            f[i] = freePages.nextSetBit(0);
            freePages.clear(f[i]);
            memory.clearPage(f[i]);
        }
        return f;
    }

    void unmap(Process p, int vpn) {
        int pte = p.pte(vpn);
        if ((pte & Process.PTE_PRESENT) == 0) return;
        freePages.set(Process.frameOf(pte));
        p.pagesOwned--;
        p.setPte(vpn, 0);
        invalidateTlb(p, vpn);
    }

    /** Drops the hardware TLB entry for (vpn, p's ASID) if it holds one. */
    void invalidateTlb(Process p, int vpn) {
        cost.charge(CostModel.TLB_PROBE);
        int slot = tlb.lookup(vpn, p.asid);
        if (slot >= 0) {
            tlb.invalidate(slot);
            cost.charge(CostModel.TLB_WRITE);
        }
    }

    void releasePages(Process p) {
        for (int d = 0; d < 1024; d++) {
            int[] t = p.directory[d];
            if (t == null) continue;
            for (int i = 0; i < 1024; i++) {
                if ((t[i] & Process.PTE_PRESENT) != 0) freePages.set(Process.frameOf(t[i]));
            }
            p.directory[d] = null;
        }
        p.pagesOwned = 0;
    }

    /** Physical address of va in p for the access (walking, demand-zeroing), or {@link #UNMAPPED}. */
    int userAddress(Process p, int va, boolean write) {
        int vpn = Pages.number(va);
        int pte = p.pte(vpn);
        if ((pte & Process.PTE_PRESENT) == 0) {
            if (!p.demandZero(va) || mapNew(p, va, Process.pteFlags(Process.PROT_READ | Process.PROT_WRITE)) == NO_PAGE) return UNMAPPED;
            pte = p.pte(vpn);
        }
        if ((pte & (write ? Process.PTE_WRITE : Process.PTE_READ)) == 0) return UNMAPPED;
        return Pages.address(Process.frameOf(pte), Pages.offset(va));
    }

    boolean storeWord(Process p, int va, int v) {
        int pa = (va & 3) == 0 ? userAddress(p, va, true) : UNMAPPED;
        if (pa == UNMAPPED) return false;
        memory.writeWord(pa, v);
        return true;
    }

    /** The word at va in p as an unsigned value, or {@link #UNREADABLE} if va is misaligned or not readable. */
    long loadWord(Process p, int va) {
        int pa = (va & 3) == 0 ? userAddress(p, va, false) : UNMAPPED;
        return pa == UNMAPPED ? UNREADABLE : memory.readWord(pa) & 0xFFFFFFFFL;
    }

    /** Copies len bytes to user memory at va; false (nothing reliable written) if any byte is not writable. */
    boolean copyOut(Process p, int va, byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            int pa = userAddress(p, va + i, true);
            if (pa == UNMAPPED) return false;
            memory.writeByte(pa, b[i]);
        }
        cost.charge((len + 3) / 4 * CostModel.WORD_COPIED);
        return true;
    }

    /** Copies len bytes from user memory at va, or null if any byte is not readable. */
    byte[] copyIn(Process p, int va, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            int pa = userAddress(p, va + i, false);
            if (pa == UNMAPPED) return null;
            b[i] = (byte) memory.readByte(pa);
        }
        cost.charge((len + 3) / 4 * CostModel.WORD_COPIED);
        return b;
    }
}
