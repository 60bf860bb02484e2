package exo.emulator.jit;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** A JIT for tests: translates on first sight and runs every generated class through ASM's checker. */
final class Verified {
    private Verified() {}

    static int classesChecked;

    static Jit jit(int threshold, int cap) {
        Jit jit = new Jit(threshold, cap);
        jit.setClassObserver(Verified::check);
        return jit;
    }

    static Jit jit() {
        return jit(1, Jit.DEFAULT_REGION_CAP);
    }

    /** Verifies a class file with the data-flow verifier; fails the test on any complaint. */
    static void check(byte[] bytes) {
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(bytes), Jit.class.getClassLoader(), false, new PrintWriter(out));
        if (!out.toString().isEmpty()) throw new AssertionError("generated class fails verification:\n" + out);
        classesChecked++;
    }
}
