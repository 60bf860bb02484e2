package exo.emulator.machine;

/**
 * A signed comparison of a general register with a constant, which translated code can make
 * itself from the register's JVM local. A debugger gives the machine, with a conditional
 * breakpoint, comparisons that hold wherever its condition holds ({@link
 * Machine#setBreakpoints(int[], int[], RegisterCompare[][], Machine.BreakCondition)}): an
 * arrival where one of them fails is one where the condition is false, and the JIT then goes on
 * without asking it.
 */
public record RegisterCompare(int register, Relation relation, int value) {
    public enum Relation {
        EQ, NE, LT, LE, GT, GE;

        /** The relation with its operands swapped: {@code c < r} is {@code r > c}. */
        public Relation mirrored() {
            switch (this) {
                case LT: return GT;
                case LE: return GE;
                case GT: return LT;
                case GE: return LE;
                default: return this;
            }
        }
    }

    /** Whether register value x stands in the relation to the constant. */
    public boolean holds(int x) {
        switch (relation) {
            case EQ: return x == value;
            case NE: return x != value;
            case LT: return x < value;
            case LE: return x <= value;
            case GT: return x > value;
            default: return x >= value;
        }
    }
}
