package exo.emulator.isa;

/** The user-readable 64-bit counters a COUNTER row reads, one 32-bit half at a time. */
public enum Counter {
    /** Cycles completed before this instruction. */
    CYCLES,
    /** Instructions retired before this instruction. */
    INSTRET;

    /** Which half of the counter a row reads: the counter shifted right by {@link #shift}. */
    public enum Half {
        LOW(0), HIGH(32);

        public final int shift;

        Half(int shift) {
            this.shift = shift;
        }
    }
}
