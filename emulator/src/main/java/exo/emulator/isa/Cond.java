package exo.emulator.isa;

/**
 * A branch condition between two registers. The unsigned conditions are the signed ones with
 * both comparands' sign bits flipped: x &lt;u y exactly when x + MIN_VALUE &lt; y + MIN_VALUE.
 */
public enum Cond {
    EQ(false), NE(false), LT(false), GE(false), LTU(true), GEU(true);

    /** Whether the comparands are compared as unsigned 32-bit numbers. */
    public final boolean unsigned;

    Cond(boolean unsigned) {
        this.unsigned = unsigned;
    }
}
