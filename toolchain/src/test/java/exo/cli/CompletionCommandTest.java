package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** exo with no command, and exo completion. */
class CompletionCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void noCommandPrintsTheUsageOnStandardErrorAndExits64() {
        assertEquals(ExitCodes.USAGE, run());
        assertTrue(err.toString().startsWith("Usage: exo"), err.toString());
        assertTrue(err.toString().contains("completion"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void bashCompletionCoversEverySubcommand() {
        assertEquals(0, run("completion", "bash"));
        String script = out.toString();
        assertTrue(script.contains("complete -F _complete_exo"), script);
        for (String c : new String[] {"asm", "link", "disasm", "run", "debug", "bench", "completion"}) {
            assertTrue(script.contains(c), c);
        }
        assertTrue(script.contains("--engine") && script.contains("--max-instructions"), "options of exo run");
    }

    @Test
    void zshCompletionRunsTheBashScriptThroughBashcompinit() {
        assertEquals(0, run("completion", "zsh"));
        assertTrue(out.toString().startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"), out.toString());
        assertTrue(out.toString().contains("complete -F _complete_exo"));
    }

    @Test
    void anotherShellIsABadCommandLine() {
        assertEquals(ExitCodes.USAGE, run("completion", "fish"));
        assertTrue(err.toString().contains("expected one of [bash, zsh]"), err.toString());
    }
}
