package exo.os;

import exo.emulator.machine.Mmu;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the command line, the monitor and the benchmarks need of a kernel: boot programs, run
 * them, and let a debugger look. The exokernel ({@code exo.kernel.Kernel}) and the monolithic
 * baseline ({@code exo.baseline.MonoKernel}) both provide it, so every program, benchmark and
 * debugging session runs under either.
 */
public interface GuestOs {
    /** Boots a program as a new environment or process with argv = args (argv[0] first); returns its id. */
    int boot(ProgramImage image, List<String> args);

    /** Runs until all programs have ended, the instruction limit, or a stop; may be called again. */
    RunResult run(long maxInstructions);

    /** What {@link #peek} answers for an address with no mapping: the MMU's own {@link Mmu#FAULT}. */
    int UNMAPPED = Mmu.FAULT;

    /**
     * The physical address virtual address va has for whoever is on the CPU, or {@link #UNMAPPED}: through the
     * kernel's own bindings, changing nothing and charging nothing (for the monitor).
     */
    int peek(int va);

    /** Who is on the CPU, for the trap log: {@code env 257}, {@code pid 3}, or {@code -}. */
    String context();

    /**
     * How the kernel resolved the last trap without forwarding it, when that is worth telling
     * ("downloaded handler": the environment's own code ran in the kernel, filling a TLB miss or
     * resolving an exception and resuming wherever that code said), or null (the STLB, a
     * guaranteed mapping, a page-table walk, or a trap not resolved in the kernel): the
     * monitor's trap log shows it.
     */
    default String lastRefill() {
        return null;
    }

    /** Named text views of the kernel's state (environments, pages, ...) for the monitor. */
    Map<String, Supplier<String>> views();

    /** One line per program: how it ended, or that it is still running; kernel diagnostics first. */
    List<String> summary();

    /** The counters behind --stats, whose {@link Stats#tracer} field turns a trace of the run on (null: off). */
    Stats stats();

    /** Physical pages no environment or process owns (a trace's counter track). */
    int freePages();

    /** The id of the environment or process on the CPU, 0 if none (what a trace started mid-run opens a slice for). */
    int running();

    /**
     * The host asks environment id for disk block b back, as a parent does with blk_revoke (the
     * monitor's {@code revoke-block}); returns what was asked, one line.
     *
     * @throws IllegalArgumentException with a one-line reason if the kernel refuses (no such
     *     environment, not its block, ...) or has no block revocation
     */
    default String revokeBlock(int id, int b) {
        throw new IllegalArgumentException("this kernel has no disk block revocation (the exokernel's: --kernel exo)");
    }
}
