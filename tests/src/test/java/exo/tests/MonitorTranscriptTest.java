package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A golden transcript: every monitor command, scripted against a real program booted on the
 * exokernel, compared with the expected session exactly. After an intended change, regenerate
 * with -Dexo.regenerateGolden=true and review the diff.
 */
class MonitorTranscriptTest {
    private static final Path DIR = Path.of("src", "test", "resources", "monitor");

    @Test
    void scriptedSessionMatchesTheGoldenTranscript() throws Exception {
        String commands = Files.readString(DIR.resolve("session.cmds"));
        Cli.Result r = Cli.withInput(commands, "debug", "--runtime", "runtime-bare.list", DIR.resolve("prog.s").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Path golden = DIR.resolve("session.expected");
        if (Boolean.getBoolean("exo.regenerateGolden")) Files.writeString(golden, r.out());
        assertEquals(Files.readString(golden), r.out());
    }

    @Test
    void sameSessionUnderTheInterpreterGivesTheSameTranscript() throws Exception {
        String commands = Files.readString(DIR.resolve("session.cmds"));
        Cli.Result jit = Cli.withInput(commands, "debug", "--runtime", "runtime-bare.list", "--engine", "jit", DIR.resolve("prog.s").toString());
        Cli.Result interp = Cli.withInput(commands, "debug", "--runtime", "runtime-bare.list", "--engine", "interp", DIR.resolve("prog.s").toString());
        assertEquals(interp.out(), jit.out());
    }
}
