package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * exo debug -x FILE and --batch: the file runs first, then commands are read as usual unless
 * --batch; the first failing command ends the file and makes the exit status 1.
 */
class MonitorScriptTest {
    private static final String PROG = Path.of("src", "test", "resources", "monitor", "prog.s").toString();

    @TempDir
    Path dir;

    private Cli.Result debug(String stdin, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "debug";
        args[1] = "--runtime";
        args[2] = "runtime-bare.list";
        System.arraycopy(options, 0, args, 3, options.length);
        args[args.length - 1] = PROG;
        return Cli.withInput(stdin, args);
    }

    private Path file(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void batchRunsTheFileAndLeavesWithoutReadingStandardInput() throws Exception {
        Path cmds = file("ok.cmds", "break bump\ncontinue\nprint/x s1\n");
        Cli.Result r = debug("print 12345\n", "--batch", "-x", cmds.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("(exo) print/x s1\n0x3\n"), r.out());
        assertFalse(r.out().contains("12345"), r.out());
    }

    @Test
    void withoutBatchTheFileRunsFirstAndThenStandardInput() throws Exception {
        Path cmds = file("ok.cmds", "break bump\ncontinue\n");
        Cli.Result r = debug("print 12345\n", "-x", cmds.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().indexOf("(exo) continue") < r.out().indexOf("(exo) print 12345\n12345 (0x3039)"), r.out());
    }

    @Test
    void aFailingCommandEndsTheFileAndTheExitStatusIsOne() throws Exception {
        Path cmds = file("bad.cmds", "break bump\nprint nosuchsymbol\ncontinue\n");
        Cli.Result r = debug("", "--batch", "-x", cmds.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("error: no register or symbol named 'nosuchsymbol'"), r.out());
        assertTrue(r.out().contains(cmds + ":2: the command failed; the rest of " + cmds + " is skipped"), r.out());
        assertFalse(r.out().contains("(exo) continue"), r.out());
    }

    @Test
    void aFailureInASourcedFileEndsTheFileThatSourcedIt() throws Exception {
        Path inner = file("inner.cmds", "print nosuchsymbol\nprint 111\n");
        Path outer = file("outer.cmds", "source " + inner + "\nprint 222\n");
        Cli.Result r = debug("", "--batch", "-x", outer.toString());
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("error: " + outer + ":1: the command failed; the rest of " + outer + " is skipped"), r.out());
        assertFalse(r.out().contains("(exo) print 111") || r.out().contains("(exo) print 222"), r.out());
        // Typed (or piped) without --batch, a failed source is one failed command; the session goes on.
        Cli.Result piped = debug("source " + inner + "\nprint 333\n");
        assertEquals(0, piped.code(), piped.out() + piped.err());
        assertTrue(piped.out().contains("333 (0x14d)"), piped.out());
    }

    @Test
    void batchOnStandardInputFailsIfACommandFailedAndPlainPipingDoesNot() {
        assertEquals(1, debug("frobnicate\nprint 1\n", "--batch").code());
        assertEquals(0, debug("frobnicate\nprint 1\n").code());
        assertEquals(0, debug("print 1\n", "--batch").code());
    }

    @Test
    void aMissingCommandFileIsAMissingFile() {
        Cli.Result r = debug("", "--batch", "-x", dir.resolve("none.cmds").toString());
        assertEquals(66, r.code(), r.out() + r.err());
    }

    @Test
    void noSnapshotsTakesNone() {
        Cli.Result r = debug("info snapshots\n", "--batch", "--no-snapshots");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("no snapshots: reverse execution re-executes from the boot"), r.out());
        Cli.Result with = debug("info snapshots\n", "--batch");
        assertTrue(with.out().contains("1 snapshot, every 16,777,216 instructions"), with.out());
    }
}
