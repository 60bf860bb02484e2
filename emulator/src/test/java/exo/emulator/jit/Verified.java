package exo.emulator.jit;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** JITs for tests that run every generated class through ASM's checker before it is defined. */
final class Verified {
    private Verified() {}

    static int classesChecked;

    static Jit jit(JitOptions options) {
        Jit jit = new Jit(options);
        jit.setClassObserver(Verified::check);
        return jit;
    }

    static Jit jit(int threshold, int cap) {
        return jit(JitOptions.DEFAULT.withThreshold(threshold).withRegionCap(cap));
    }

    /** Translates on first sight. */
    static Jit jit() {
        return jit(1, JitOptions.DEFAULT.regionCap());
    }

    /** Verifies a class file with the data-flow verifier; fails the test on any complaint. */
    static void check(byte[] bytes) {
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), Jit.class.getClassLoader(), false, new PrintWriter(out));
        if (!out.toString().isEmpty()) throw new AssertionError("generated class fails verification:\n" + out);
        classesChecked++;
    }
}
