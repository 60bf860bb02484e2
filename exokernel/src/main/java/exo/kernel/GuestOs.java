package exo.kernel;

import java.util.List;

/**
 * What the command line, the monitor and the benchmarks need of a kernel: boot programs, run
 * them. The exokernel ({@link Kernel}) and the monolithic baseline both provide it, so every
 * program and benchmark runs under either with the same command.
 */
public interface GuestOs {
    /** Boots a program as a new environment or process with argv = args (argv[0] first); returns its id. */
    int boot(ProgramImage image, List<String> args);

    /** Runs until all programs have ended, the instruction limit, or a stop; may be called again. */
    RunResult run(long maxInstructions);
}
