package exo.emulator.jit;

import java.nio.ByteOrder;

/**
 * The JDK's internal {@code jdk.internal.misc.Unsafe}, for the host-cache hit path of translated
 * code, where C1 otherwise spends about a third of an access on checks it cannot remove: the
 * byte-array view {@code VarHandle}'s class and index checks (docs/jit.md, "Translated loops
 * under C1"). The generated code calls {@code getInt}, {@code putByte}... on {@link #UNSAFE}
 * directly, which C1 compiles to one host load or store; no Java source names the class, so the
 * build needs no flags for it.
 *
 * <p>Available only where the JVM exports {@code jdk.internal.misc} to this code (the CLI's jar
 * says {@code Add-Exports} in its manifest, the tests pass {@code --add-exports}) and the host is
 * little-endian like the guest; elsewhere translations use the checked accessors and run exactly
 * the same, only slower. Nothing is printed either way: the internal class, unlike
 * {@code sun.misc.Unsafe}, warns on no JDK.
 *
 * <p>Every raw access is safe by construction, never by a check at run time; the emitter relies
 * on exactly these facts (each stated where it is maintained):
 * <ul>
 *   <li>a page array is exactly {@code PAGE_SIZE} bytes ({@link exo.emulator.machine.PhysicalMemory}
 *       makes no other), and its index is {@code va & PAGE_MASK};</li>
 *   <li>a raw access of 2 or 4 bytes happens only after the tag compare, which fails unless the
 *       address is aligned to the access size (tags have no low bits set), so it ends inside the
 *       page and is naturally aligned;</li>
 *   <li>the page array is read from a host-cache line (a checked array read) only after that
 *       line's tag matched, and a line's tag is set only together with its page array ({@code
 *       Mmu.translate}), so it is never null.</li>
 * </ul>
 */
final class RawAccess {
    private RawAccess() {}

    /** The JVM-internal name of the class, for the emitter. */
    static final String CLASS = "jdk/internal/misc/Unsafe";

    /** The {@code jdk.internal.misc.Unsafe} instance, or null where raw access is unavailable. */
    static final Object UNSAFE;
    /** The offset of a byte[]'s element 0 from the array's start. */
    static final int BYTE_BASE;

    static {
        Object unsafe = null;
        int byteBase = 0;
        try {
            Class<?> c = Class.forName("jdk.internal.misc.Unsafe");
            if (c.getModule().isExported("jdk.internal.misc", RawAccess.class.getModule())
                    && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                Object u = c.getMethod("getUnsafe").invoke(null);
                byteBase = (int) c.getMethod("arrayBaseOffset", Class.class).invoke(u, byte[].class);
                if ((int) c.getMethod("arrayIndexScale", Class.class).invoke(u, byte[].class) == 1) unsafe = u;
            }
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            unsafe = null; // not exported, or not this JDK's layout: the checked accessors serve
        }
        UNSAFE = unsafe;
        BYTE_BASE = byteBase;
    }

    /** Whether translations may use raw access (see the class comment). */
    static boolean available() {
        return UNSAFE != null;
    }
}
