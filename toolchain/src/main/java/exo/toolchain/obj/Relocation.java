package exo.toolchain.obj;

/**
 * A site the linker must patch: at {@code offset} in its section, put {@code target + addend}
 * in the form {@code kind} says. The target is a symbol of the object (by index), the start of
 * one of its sections, or an absolute address.
 */
public record Relocation(int offset, RelocKind kind, Target targetType, int target, int addend) {
    public enum Target { SYMBOL, SECTION, ABSOLUTE }
}
