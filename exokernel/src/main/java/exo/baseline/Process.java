package exo.baseline;

import exo.emulator.machine.Pages;
import exo.os.ProgramImage;
import exo.os.ProgramOutput;

/**
 * A baseline process: the whole of its state lives here, in the kernel — registers when not
 * running, a two-level page table the kernel walks on every TLB miss, signal dispositions, file
 * descriptors and the heap break.
 */
final class Process {
    enum State { RUNNABLE, BLOCKED, ZOMBIE }

    /** Page-table entry bits; the page frame number sits above them. */
    static final int PTE_PRESENT = 1, PTE_READ = 2, PTE_WRITE = 4, PTE_EXEC = 8;
    /** Protection bits of mmap and mprotect, as in Unix. */
    static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    static final int MAX_FDS = 16;

    final int pid;
    final int asid;
    final String name;
    final ProgramImage.Symbolizer symbolizer;
    final Process parent;
    State state = State.RUNNABLE;
    /** What the process sleeps on for the disk (a buffer, or one of BufferCache's channels), or null. */
    Object waitsFor;
    final int[] regs = new int[32];
    int pc;
    /** Page directory: 1024 tables of 1024 entries, allocated on first use. */
    final int[][] directory = new int[1024][];
    int pagesOwned;
    int heapStart, brk, stackLow, stackTop;
    final int[] handlers = new int[Signal.COUNT];
    int restorer;
    /** Signals being handled; a second fault of the same signal inside its handler kills. */
    int handling;
    final Object[] fds = new Object[MAX_FDS];
    int exitStatus;
    String diagnostic;
    final ProgramOutput output;

    Process(int pid, int asid, String name, ProgramImage.Symbolizer symbolizer, Process parent) {
        this.pid = pid;
        this.asid = asid;
        this.name = name;
        this.symbolizer = symbolizer;
        this.parent = parent;
        this.output = new ProgramOutput(asid, name);
    }

    /** The entry for virtual page vpn, or 0. */
    int pte(int vpn) {
        int[] t = directory[vpn >>> 10];
        return t == null ? 0 : t[vpn & 1023];
    }

    void setPte(int vpn, int pte) {
        int[] t = directory[vpn >>> 10];
        if (t == null) t = directory[vpn >>> 10] = new int[1024];
        t[vpn & 1023] = pte;
    }

    /** Whether va lies in a region that gets demand-zero pages (heap or stack). */
    boolean demandZero(int va) {
        long a = va & 0xFFFFFFFFL;
        return (a >= (heapStart & 0xFFFFFFFFL) && a < (brk & 0xFFFFFFFFL)) || (a >= (stackLow & 0xFFFFFFFFL) && a < (stackTop & 0xFFFFFFFFL));
    }

    /** A page-table entry: the frame's number in the upper 20 bits, PTE_* flags in the page-offset bits. */
    static int makePte(int ppn, int flags) {
        return Pages.start(ppn) | flags;
    }

    /** The physical page an entry maps. */
    static int frameOf(int pte) {
        return Pages.number(pte);
    }

    /** The PTE_* flags of an entry. */
    static int flagsOf(int pte) {
        return Pages.offset(pte);
    }

    static int pteFlags(int prot) {
        return PTE_PRESENT | ((prot & PROT_READ) != 0 ? PTE_READ : 0) | ((prot & PROT_WRITE) != 0 ? PTE_WRITE | PTE_READ : 0)
                | ((prot & PROT_EXEC) != 0 ? PTE_EXEC | PTE_READ : 0);
    }

    @Override
    public String toString() {
        return "process " + pid + " (" + name + ")";
    }
}
