package exo.kernel.boot;

import exo.emulator.isa.Register;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.error.GuestError;
import exo.kernel.mem.Memory;
import exo.kernel.mem.PageOwners;
import exo.kernel.sched.Scheduler;
import exo.os.BootException;
import exo.os.KernelOptions;
import exo.os.ProgramImage;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The host-side loader. It uses only what a library OS creating a child could use — create an
 * environment, allocate pages charged to it, fill them (a parent would map each page with
 * tlb_write and store; the loader writes the page it holds the capability for), add guaranteed
 * mappings, give it a time slice and a start PC — so booting grants no privilege a guest
 * could not have.
 *
 * <p>Layout (docs/kernel-abi.md, "Start-up"): every segment page and {@link #STACK_PAGES} stack
 * pages below {@link #STACK_TOP} become guaranteed mappings. At the top of the stack lie the
 * argument strings, then (16-byte aligned, growing down) argv[0..argc-1], a null pointer, and
 * argc; sp points at argc, a0 = argc, a1 = argv = sp + 4.
 *
 * <p>The boot record ({@link #recordBoot}): the lowest words of the stack pages, {@link #BOOT_COUNT}
 * upward, hold how many environments the host booted and their ids in boot order, in every
 * environment it booted. It is what a parent tells the children it starts together (their
 * siblings' ids: names, not capabilities), and how separately booted programs find the first
 * one, whose library OS keeps the name service (libos/ns.s). The stack grows down towards it:
 * a program that uses the whole 64 KiB stack overwrites its own copy, nothing else.
 */
public final class ImageLoader {
    public static final int STACK_TOP = 0x8000_0000;
    public static final int STACK_PAGES = 16;
    /** The boot record's first word: how many environments the host booted (at the bottom of the stack pages). */
    public static final int BOOT_COUNT = STACK_TOP - STACK_PAGES * PhysicalMemory.PAGE_SIZE;
    /** The boot record's ids, one word each in boot order: the first booted environment's id at BOOT_IDS. */
    public static final int BOOT_IDS = BOOT_COUNT + 4;

    private final PhysicalMemory physical;
    private final KernelOptions options;
    private final Environments envs;
    private final PageOwners pages;
    private final Memory memory;
    private final Scheduler scheduler;

    public ImageLoader(Machine machine, KernelOptions options, Environments envs, PageOwners pages, Memory memory, Scheduler scheduler) {
        this.physical = machine.memory;
        this.options = options;
        this.envs = envs;
        this.pages = pages;
        this.memory = memory;
        this.scheduler = scheduler;
    }

    /** Creates and fills the environment for image; it runs from its first slice. */
    public Environment load(ProgramImage image, List<String> args) {
        Environment e;
        try {
            e = envs.create(0, image.name(), image.symbolizer());
        } catch (GuestError err) {
            throw new BootException(image.name() + ": no free environment (" + err.error.meaning + ")");
        }
        int needed = STACK_PAGES;
        Set<Integer> used = new HashSet<>();
        for (int p = 0; p < STACK_PAGES; p++) used.add(Pages.number(STACK_TOP) - 1 - p);
        for (ProgramImage.Segment s : image.segments()) {
            if (!Pages.aligned(s.vaddr()) || s.memSize() < s.data().length) {
                throw new BootException(image.name() + String.format(": segment at 0x%08x is not page-aligned or its data exceeds its size", s.vaddr()));
            }
            int pages = Pages.count(s.memSize());
            for (int p = 0; p < pages; p++) {
                if (!used.add(Pages.number(s.vaddr()) + p)) {
                    throw new BootException(image.name() + String.format(": segment at 0x%08x overlaps another segment or the stack", s.vaddr()));
                }
            }
            needed += pages;
        }
        if (needed > options.maxGuaranteed()) {
            throw new BootException(image.name() + ": needs " + needed + " pages but an environment may have at most "
                    + options.maxGuaranteed() + " guaranteed mappings");
        }
        try {
            for (ProgramImage.Segment s : image.segments()) placeSegment(e, s);
            int stackBase = STACK_TOP - STACK_PAGES * PhysicalMemory.PAGE_SIZE;
            for (int p = 0; p < STACK_PAGES; p++) mapPage(e, stackBase + p * PhysicalMemory.PAGE_SIZE, Tlb.WRITABLE);
            scheduler.allocate(e, Scheduler.ANY_SLOT);
        } catch (GuestError err) {
            throw new BootException(image.name() + ": cannot boot: " + err.error.meaning);
        }
        int sp = layArguments(e, args);
        e.context[Register.SP] = sp;
        e.context[Register.A0] = args.size();
        e.context[Register.A1] = sp + 4;
        e.resumePc = image.entry();
        e.hasContext = true;
        return e;
    }

    private void placeSegment(Environment e, ProgramImage.Segment s) {
        int flags = ((s.flags() & ProgramImage.WRITE) != 0 ? Tlb.WRITABLE : 0) | ((s.flags() & ProgramImage.EXECUTE) != 0 ? Tlb.EXECUTABLE : 0);
        int pages = Pages.count(s.memSize());
        for (int p = 0; p < pages; p++) {
            int ppn = mapPage(e, s.vaddr() + p * PhysicalMemory.PAGE_SIZE, flags);
            int off = p * PhysicalMemory.PAGE_SIZE;
            int n = Math.min(PhysicalMemory.PAGE_SIZE, s.data().length - off);
            if (n > 0) physical.write(Pages.start(ppn), s.data(), off, n);
        }
    }

    /** page_alloc then env_guarantee, as a parent would. */
    private int mapPage(Environment e, int va, int flags) {
        int ppn = memory.allocate(e, PageOwners.ANY);
        memory.guarantee(e, va, ppn, pages.rwToken(ppn), flags);
        return ppn;
    }

    /** Writes the argument strings and vectors at the top of the stack; returns the initial sp. */
    private int layArguments(Environment e, List<String> args) {
        byte[][] strings = new byte[args.size()][];
        int size = 0;
        for (int i = 0; i < args.size(); i++) {
            strings[i] = (args.get(i) + "\0").getBytes(StandardCharsets.UTF_8);
            size += strings[i].length;
        }
        int vectors = 4 * (args.size() + 2);
        if (size + vectors + 64 > STACK_PAGES * PhysicalMemory.PAGE_SIZE / 2) {
            throw new BootException(e.name + ": the arguments take " + size + " bytes, more than half the " + STACK_PAGES * 4 + " KiB stack");
        }
        int at = STACK_TOP;
        int[] argv = new int[args.size()];
        for (int i = args.size() - 1; i >= 0; i--) {
            at -= strings[i].length;
            argv[i] = at;
            memory.copyOut(e, at, strings[i], strings[i].length);
        }
        int sp = (at - vectors) & ~15;
        writeWord(e, sp, args.size());
        for (int i = 0; i < argv.length; i++) writeWord(e, sp + 4 + 4 * i, argv[i]);
        writeWord(e, sp + 4 + 4 * argv.length, 0);
        return sp;
    }

    /**
     * Writes the boot record (the count, then every id in boot order, from booted) into each
     * live environment of into, so that when the host boots every program before the first runs
     * (as exo run does) each holds the whole list. One booted after the machine has run gets the
     * record alone: the stacks of those before it are theirs by then.
     */
    public void recordBoot(List<Environment> booted, List<Environment> into) {
        for (Environment e : into) {
            if (!e.alive()) continue;
            recordWord(e, BOOT_COUNT, booted.size());
            for (int i = 0; i < booted.size(); i++) recordWord(e, BOOT_IDS + 4 * i, booted.get(i).id);
        }
    }

    /**
     * A word of the boot record, stored as the segments are (into the page the loader holds, no
     * charge): the host's bookkeeping, not work done for the program, so no program's cycle
     * count depends on how many were booted beside it.
     */
    private void recordWord(Environment e, int va, int v) {
        int pa = memory.peek(e, va, true);
        if (pa == Memory.UNMAPPED) throw new IllegalStateException(e + ": the stack page of the boot record is not mapped");
        physical.writeWord(pa, v);
    }

    private void writeWord(Environment e, int va, int v) {
        physical.writeWord(memory.translate(e, va, true), v);
    }
}
