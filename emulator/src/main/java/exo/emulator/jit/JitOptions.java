package exo.emulator.jit;

/**
 * How the {@link Jit} translates. The defaults are what {@code exo run} uses; the switches exist
 * so the benchmarks can measure what each optimisation buys (docs/jit.md quotes them), and every
 * combination is exactly as correct as the interpreter.
 *
 * @param hotThreshold dispatches of a block entry before it is translated (1 = at first sight)
 * @param regionCap the most guest instructions one translation may hold
 * @param regions follow direct branches inside the page (loops run inside one JVM method);
 *     false translates single basic blocks, every block returning to the dispatcher
 * @param inlineTlb emit the host-cache tag compare inline; false calls {@code Mmu.load/store}
 * @param registersInLocals keep guest registers in JVM locals; false reads and writes
 *     {@code Cpu.regs} on every access
 * @param siteCache give each load and store its own one-page translation cache in two JVM
 *     locals, consulted before the shared host cache (needs {@code inlineTlb})
 * @param rawAccess on a host-cache hit, read the line and access the page through {@link
 *     RawAccess} (no bounds or class checks; needs {@code inlineTlb}, and is off where raw access
 *     is unavailable); false uses the checked accessors
 */
public record JitOptions(int hotThreshold, int regionCap, boolean regions, boolean inlineTlb, boolean registersInLocals,
        boolean siteCache, boolean rawAccess) {
    /**
     * Whether site caches are on by default: system property {@code exo.jit.siteCache}, true
     * unless set otherwise. They pay off when C2 compiles the translations (JMH EngineBench:
     * matmul +33%, mixed +54%), and under C1 alone (the {@code exo} launcher's) once a site
     * holds its page's array and accesses it raw ({@link #rawAccess}): matmul's inner loop 72
     * -> 49 x86 instructions an iteration. With checked accesses they cost under C1 (docs/jit.md).
     */
    public static final boolean SITE_CACHE_DEFAULT = Boolean.parseBoolean(System.getProperty("exo.jit.siteCache", "true"));

    public static final JitOptions DEFAULT = new JitOptions(50, 32, true, true, true, SITE_CACHE_DEFAULT, true);

    public JitOptions {
        rawAccess &= RawAccess.available();
        if (hotThreshold < 1 || regionCap < 1) {
            throw new IllegalArgumentException("hot threshold and region cap must be positive, not " + hotThreshold + " and " + regionCap);
        }
    }

    public JitOptions withThreshold(int threshold) {
        return new JitOptions(threshold, regionCap, regions, inlineTlb, registersInLocals, siteCache, rawAccess);
    }

    public JitOptions withRegionCap(int cap) {
        return new JitOptions(hotThreshold, cap, regions, inlineTlb, registersInLocals, siteCache, rawAccess);
    }

    public JitOptions withRegions(boolean on) {
        return new JitOptions(hotThreshold, regionCap, on, inlineTlb, registersInLocals, siteCache, rawAccess);
    }

    public JitOptions withInlineTlb(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, on, registersInLocals, siteCache, rawAccess);
    }

    public JitOptions withSiteCache(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, inlineTlb, registersInLocals, on, rawAccess);
    }

    public JitOptions withRegistersInLocals(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, inlineTlb, on, siteCache, rawAccess);
    }

    public JitOptions withRawAccess(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, inlineTlb, registersInLocals, siteCache, on);
    }
}
