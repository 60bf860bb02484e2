package exo.emulator.jit;

/**
 * What the JIT did, for {@code exo run --stats} and the benchmarks. Counters only grow; a
 * snapshot is taken with {@link Jit#stats()}.
 *
 * @param regionsTranslated translations defined (hidden classes)
 * @param instructionsTranslated guest instructions covered by those translations
 * @param invalidations translations dropped because their physical page was written
 * @param translateNanos host time spent discovering regions, emitting and defining classes
 * @param resizes emissions redone with a smaller region because the method grew too large
 * @param largestMethodBytes the largest generated {@code execute} method, in bytecode bytes
 * @param translatedInstructions guest instructions retired inside translated code
 * @param interpretedInstructions guest instructions retired by the interpreter (cold code)
 * @param dispatches entries into translated code
 * @param linkedDispatches entries that found their translation through an exit's link slot
 */
public record JitStats(long regionsTranslated, long instructionsTranslated, long invalidations, long translateNanos,
        long resizes, int largestMethodBytes, long translatedInstructions, long interpretedInstructions,
        long dispatches, long linkedDispatches) {

    /** Multi-line human-readable summary. */
    public String describe() {
        return String.format("jit: %d regions translated (%d instructions, largest method %d bytes, %d resized)%n"
                + "jit: %d invalidations, %.1f ms translating%n"
                + "jit: %d instructions in translated code, %d interpreted; %d dispatches, %d through links%n",
                regionsTranslated, instructionsTranslated, largestMethodBytes, resizes, invalidations, translateNanos / 1e6,
                translatedInstructions, interpretedInstructions, dispatches, linkedDispatches);
    }
}
