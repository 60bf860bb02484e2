package exo.toolchain.obj;

/**
 * A symbol of an object file. {@code section} is a {@link SectionKind} ordinal when defined in
 * a section (value = offset in it), {@link #ABSOLUTE} for a constant, {@link #UNDEFINED} for a
 * reference to another object's symbol. file/line say where it was defined (or first used).
 */
public record ObjSymbol(String name, int section, int value, boolean global, int file, int line) {
    public static final int UNDEFINED = -1;
    public static final int ABSOLUTE = -2;

    public boolean defined() {
        return section != UNDEFINED;
    }
}
