package exo.kernel.mem;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.kernel.mem.DownloadedHandler.Kind;
import org.junit.jupiter.api.Test;

/**
 * Installing words the kernel has compiled before reuses the compiled body: a library OS that
 * installs one handler in each of its environments defines one class, not one per environment.
 */
class DownloadedHandlerCacheTest {
    static final int RET = Opcode.JALR.encode(Register.ZERO, 0, Register.RA);

    static int[] decline(int value) {
        return new int[] {Opcode.ADDI.encode(Register.A0, Register.ZERO, value), RET};
    }

    @Test
    void theSameWordsShareOneCompiledBody() throws Exception {
        DownloadedHandler a = DownloadedHandler.verify(decline(0), Kind.EXCEPTION, true);
        DownloadedHandler b = DownloadedHandler.verify(decline(0), Kind.EXCEPTION, true);
        DownloadedHandler miss = DownloadedHandler.verify(decline(0), Kind.MISS, true);
        assertNotSame(a, b);
        assertNotNull(a.compiled());
        assertSame(a.compiled(), b.compiled());
        assertSame(a.compiled(), miss.compiled(), "the kind changes only what verification refuses");
    }

    @Test
    void otherWordsGetTheirOwnBody() throws Exception {
        DownloadedHandler a = DownloadedHandler.verify(decline(1), Kind.EXCEPTION, true);
        DownloadedHandler b = DownloadedHandler.verify(decline(2), Kind.EXCEPTION, true);
        assertNotSame(a.compiled(), b.compiled());
    }

    @Test
    void theCallersArrayIsNotTheKey() throws Exception {
        int[] words = decline(3);
        DownloadedHandler a = DownloadedHandler.verify(words, Kind.EXCEPTION, true);
        words[0] = Opcode.ADDI.encode(Register.A0, Register.ZERO, 4);
        DownloadedHandler b = DownloadedHandler.verify(words, Kind.EXCEPTION, true);
        assertNotSame(a.compiled(), b.compiled(), "a key changed after the fact would hand out the wrong code");
        assertSame(b.compiled(), DownloadedHandler.verify(decline(4), Kind.EXCEPTION, true).compiled());
    }

    @Test
    void anInterpretedHandlerHasNoBody() throws Exception {
        assertNull(DownloadedHandler.verify(decline(5), Kind.EXCEPTION, false).compiled());
    }
}
