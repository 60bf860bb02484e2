package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The golden transcript of reverse execution on prog.s: reverse-continue back through a
 * watchpoint's writes ("who wrote this?"), back to a caught exception that is more recent than a
 * breakpoint, reverse-step, and forward again to the same stops; identical under both engines.
 * After an intended change, regenerate with -Dexo.regenerateGolden=true and review the diff.
 */
class MonitorReverseTranscriptTest {
    private static final Path DIR = Path.of("src", "test", "resources", "monitor");

    private static String session(String engine) throws Exception {
        Cli.Result r = Cli.withInput(Files.readString(DIR.resolve("reverse.cmds")), "debug", "--runtime", "runtime-bare.list",
                "--engine", engine, DIR.resolve("prog.s").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    @Test
    void reverseSessionMatchesTheGoldenTranscriptUnderBothEngines() throws Exception {
        String jit = session("jit");
        Path golden = DIR.resolve("reverse.expected");
        if (Boolean.getBoolean("exo.regenerateGolden")) Files.writeString(golden, jit);
        assertEquals(Files.readString(golden), jit);
        assertEquals(jit, session("interp"));
    }
}
