package exo.os;

/**
 * Tunable kernel parameters; {@link #defaults()} gives the documented values (docs/kernel-abi.md).
 * All times are in guest cycles.
 *
 * @param maxEnvironments   live environments at once, at most 255 (one ASID each; ASID 0 is unused)
 * @param pagesPerEnv       pages one environment may own at once
 * @param quantum           length of one time slice
 * @param grace             cycles the epilogue upcall may run before the kernel switches by force
 * @param excessLimit       epilogue overruns tolerated; one more destroys the environment
 * @param revokeDeadline    cycles between a revocation request and repossession by force
 * @param minimumPages      pages no revocation takes: the guaranteed minimum
 * @param maxGuaranteed     guaranteed mappings per environment (pages pinned)
 * @param prefixOutput      prefix each console line with {@code [name] } (several programs)
 * @param seed              seeds capability tokens (the machine's own seed drives TLB replacement)
 * @param blocksPerEnv      disk blocks one environment id may own in the block table (its quota)
 */
public record KernelOptions(int maxEnvironments, int pagesPerEnv, long quantum, long grace, int excessLimit,
                            long revokeDeadline, int minimumPages, int maxGuaranteed, boolean prefixOutput, long seed,
                            int blocksPerEnv) {
    public static final int MAX_ENVIRONMENTS = 255;
    /** The default block quota: 256 MiB of 4 KiB blocks, a quarter of the largest image. */
    public static final int DEFAULT_BLOCKS_PER_ENV = 65_536;

    public KernelOptions {
        if (maxEnvironments < 1 || maxEnvironments > MAX_ENVIRONMENTS) throw new IllegalArgumentException("maxEnvironments must be 1..255");
        if (quantum < 100 || grace < 10) throw new IllegalArgumentException("quantum must be >= 100 and grace >= 10 cycles");
        if (blocksPerEnv < 0) throw new IllegalArgumentException("blocksPerEnv must be >= 0");
    }

    public static KernelOptions defaults() {
        return new KernelOptions(64, 32768, 20_000, 2_000, 3, 50_000, 8, 256, false, 42, DEFAULT_BLOCKS_PER_ENV);
    }

    public KernelOptions withSeed(long s) {
        return new KernelOptions(maxEnvironments, pagesPerEnv, quantum, grace, excessLimit, revokeDeadline, minimumPages, maxGuaranteed, prefixOutput, s, blocksPerEnv);
    }

    public KernelOptions withPrefixOutput(boolean p) {
        return new KernelOptions(maxEnvironments, pagesPerEnv, quantum, grace, excessLimit, revokeDeadline, minimumPages, maxGuaranteed, p, seed, blocksPerEnv);
    }

    public KernelOptions withQuantum(long q, long g) {
        return new KernelOptions(maxEnvironments, pagesPerEnv, q, g, excessLimit, revokeDeadline, minimumPages, maxGuaranteed, prefixOutput, seed, blocksPerEnv);
    }

    public KernelOptions withLimits(int envs, int pages, int guaranteed) {
        return new KernelOptions(envs, pages, quantum, grace, excessLimit, revokeDeadline, minimumPages, guaranteed, prefixOutput, seed, blocksPerEnv);
    }

    public KernelOptions withBlockQuota(int blocks) {
        return new KernelOptions(maxEnvironments, pagesPerEnv, quantum, grace, excessLimit, revokeDeadline, minimumPages, maxGuaranteed, prefixOutput, seed, blocks);
    }

    public KernelOptions withRevokeDeadline(long d) {
        return new KernelOptions(maxEnvironments, pagesPerEnv, quantum, grace, excessLimit, d, minimumPages, maxGuaranteed, prefixOutput, seed, blocksPerEnv);
    }
}
