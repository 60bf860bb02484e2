package exo.emulator.interp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * HotSpot will not JIT-compile a method whose bytecode exceeds 8000 bytes (-XX:-DontCompileHugeMethods
 * is off by default): an interpreter loop that grows past it runs in HotSpot's own interpreter,
 * an order of magnitude slower. This guards the limit for the interpreter's hot method, and
 * the inlining limit for the table-generated {@link Dispatcher} methods it calls per instruction.
 */
class HotMethodSizeTest {
    static final int HUGE_METHOD_LIMIT = 8000;

    @Test
    void runChunkStaysCompilable() throws IOException {
        int size = codeLength(Interpreter.class, "execute");
        assertTrue(size > 0 && size < HUGE_METHOD_LIMIT, "Interpreter.execute is " + size + " bytes of bytecode");
    }

    /**
     * A dispatcher method larger than FreqInlineSize is compiled on its own and called, with
     * every live register of runChunk spilled around the call, instead of being inlined.
     */
    @Test
    void dispatcherMethodsStayInlinable() {
        byte[] dispatcher = Dispatcher.generate();
        for (String method : new String[] {Dispatcher.ALU, Dispatcher.ALU_TRAPS, Dispatcher.BRANCH_TAKEN}) {
            int size = codeLength(new ClassReader(dispatcher), method);
            assertTrue(size > 0 && size <= Dispatcher.INLINE_LIMIT, "Dispatcher." + method + " is " + size + " bytes of bytecode");
        }
    }

    /** Length of the Code attribute of the named method, read from the class file (-1 if absent). */
    static int codeLength(Class<?> c, String method) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return codeLength(new ClassReader(in), method);
        }
    }

    static int codeLength(ClassReader r, String method) {
        char[] buf = new char[r.getMaxStringLength()];
        int p = r.header + 6;                               // access, this, super
        p += 2 + 2 * r.readUnsignedShort(p);                // interfaces
        for (int pass = 0; pass < 2; pass++) {               // fields, then methods
            int count = r.readUnsignedShort(p);
            p += 2;
            for (int i = 0; i < count; i++) {
                String name = r.readUTF8(p + 2, buf);
                int attributes = r.readUnsignedShort(p + 6);
                p += 8;
                for (int a = 0; a < attributes; a++) {
                    String attr = r.readUTF8(p, buf);
                    int length = r.readInt(p + 2);
                    if (pass == 1 && name.equals(method) && attr.equals("Code")) return r.readInt(p + 10);
                    p += 6 + length;
                }
            }
        }
        return -1;
    }
}
