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
 */
public record JitOptions(int hotThreshold, int regionCap, boolean regions, boolean inlineTlb, boolean registersInLocals) {
    public static final JitOptions DEFAULT = new JitOptions(50, 32, true, true, true);

    public JitOptions {
        if (hotThreshold < 1 || regionCap < 1) {
            throw new IllegalArgumentException("hot threshold and region cap must be positive, not " + hotThreshold + " and " + regionCap);
        }
    }

    public JitOptions withThreshold(int threshold) {
        return new JitOptions(threshold, regionCap, regions, inlineTlb, registersInLocals);
    }

    public JitOptions withRegionCap(int cap) {
        return new JitOptions(hotThreshold, cap, regions, inlineTlb, registersInLocals);
    }

    public JitOptions withRegions(boolean on) {
        return new JitOptions(hotThreshold, regionCap, on, inlineTlb, registersInLocals);
    }

    public JitOptions withInlineTlb(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, on, registersInLocals);
    }

    public JitOptions withRegistersInLocals(boolean on) {
        return new JitOptions(hotThreshold, regionCap, regions, inlineTlb, on);
    }
}
