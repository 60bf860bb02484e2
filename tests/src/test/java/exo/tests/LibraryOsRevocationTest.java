package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.kernel.Kernel;
import exo.kernel.env.Environment;
import exo.os.KernelOptions;
import exo.os.RunResult;
import exo.toolchain.GuestRuntime;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Visible revocation from the library OS's side: when the kernel asks for a page back, the
 * library OS frees a page it can rebuild without loss (an all-zero one, which becomes
 * zero-fill-on-touch again) before the deadline, so nothing is repossessed and the program's
 * data is intact.
 */
class LibraryOsRevocationTest {
    @Test
    void theLibraryOsGivesBackAZeroPageBeforeTheDeadline() throws Exception {
        Path src = Path.of("src", "test", "resources", "libos", "revoke.s");
        var exe = GuestRuntime.build(List.of(src), GuestRuntime.DEFAULT_LIST, LinkOptions.DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Machine m = new Machine(16 << 20, 3, Console.capturing(out));
        m.setEngine(new Interpreter());
        Kernel k = new Kernel(m, KernelOptions.defaults());
        int id = k.boot(Loader.image("revoke.s", exe), List.of("revoke.s"));
        k.run(150_000);
        Environment e = k.env(id);
        int asked = -1;
        for (int p = k.pages().pages() - 1; p >= 0 && asked < 0; p--) {
            if (k.pages().owner(p) == id && !k.pages().pinned(p)) asked = p;
        }
        assertTrue(asked >= 0, "the program owns unpinned pages by now");
        assertTrue(k.revoker().request(e, asked));
        RunResult r = k.run(10_000_000);
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals(0, r.exitStatus(), String.valueOf(r.programs().get(0).diagnostic()));
        assertEquals("sum 3996\npages given back: 1\n", out.toString(StandardCharsets.UTF_8));
        assertTrue(k.log().stream().noneMatch(l -> l.contains("repossessed")), String.join("\n", k.log()));
    }
}
