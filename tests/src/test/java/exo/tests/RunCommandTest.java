package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** exo run from the command line: output, exit codes, errors, limits, several programs. */
class RunCommandTest {
    @Test
    void runsSourceAndReturnsTheGuestsExitStatus() {
        Cli.Result r = Cli.run("run", Cli.file("hello.s"));
        assertEquals("hello, exokernel\n", r.out());
        assertEquals(3, r.code());
        assertEquals("", r.err());
    }

    @Test
    void argumentsAfterDoubleDashReachArgv() {
        Cli.Result r = Cli.run("run", Cli.file("argc.s"), "--", "7", "x");
        assertEquals(37, r.code(), r.err());
    }

    @Test
    void bothEnginesGiveTheSameResultAndCycles() {
        Cli.Result jit = Cli.run("run", "--stats", "--engine", "jit", Cli.file("loop.s"));
        Cli.Result interp = Cli.run("run", "--stats", "--engine", "interp", Cli.file("loop.s"));
        assertEquals(interp.code(), jit.code());
        assertEquals(line(interp.err(), "cycles"), line(jit.err(), "cycles"));
        assertEquals(line(interp.err(), "instructions"), line(jit.err(), "instructions"));
        assertEquals((20000 * 20001 / 2) & 255, jit.code());
    }

    private static String line(String text, String prefix) {
        for (String l : text.split("\n")) if (l.startsWith(prefix)) return l;
        throw new AssertionError("no line starting " + prefix + " in " + text);
    }

    @Test
    void severalProgramsShareTheMachineWithOutputKeptApart() {
        Cli.Result r = Cli.run("run", Cli.file("hello.s"), Cli.file("hello.s"));
        assertEquals("[hello.s] hello, exokernel\n[hello.s#2] hello, exokernel\n", r.out());
        assertTrue(r.err().contains("[hello.s] exited with status 3"), r.err());
        assertTrue(r.err().contains("[hello.s#2] exited with status 3"), r.err());
        assertEquals(3, r.code());
    }

    @Test
    void aChildNeverStartedLeavesTheProgramsStatusWithAWarning() {
        Cli.Result r = Cli.run("run", Cli.file("orphan.s"));
        assertEquals("created\n", r.out());
        assertEquals("exo run: stopped: environments remain but none holds a time slice\n", r.err());
        assertEquals(0, r.code(), "the program's own status 0, not an undocumented 1");
    }

    @Test
    void runawayGuestIsStoppedByTheInstructionLimit() {
        Cli.Result r = Cli.run("run", "--max-instructions", "100000", Cli.file("spin.s"));
        assertEquals(124, r.code());
        assertTrue(r.err().contains("stopped after 100000 instructions: the --max-instructions limit was reached"), r.err());
    }

    @Test
    void unhandledFaultNamesCauseSymbolAndLine() {
        Cli.Result r = Cli.run("run", Cli.file("crash.s"));
        assertTrue(r.err().contains("destroyed"), r.err());
        assertTrue(r.err().contains("main+0x4"), r.err());
        assertTrue(r.err().contains("crash.s:6"), r.err());
        assertTrue(r.code() > 128, "exit " + r.code());
    }

    @Test
    void sourceErrorsAreAllReportedWithLocations() {
        Cli.Result r = Cli.run("run", Cli.file("bad.s"));
        assertEquals(65, r.code());
        assertTrue(r.err().contains("bad.s:4:"), r.err());
        assertTrue(r.err().contains("bad.s:5:"), r.err());
        assertTrue(r.err().contains("bad.s:6:"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void assembleLinkWithTheRuntimeThenRunTheExecutable() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("exo-link");
        String obj = dir.resolve("hello.o").toString(), exe = dir.resolve("hello.exo").toString();
        assertEquals(0, Cli.run("asm", "../guest-programs/src/hello.s", "-o", obj).code());
        Cli.Result bare = Cli.run("link", obj, "-o", exe);
        assertEquals(65, bare.code(), "without the runtime, puts and printf are undefined");
        assertTrue(bare.err().contains("undefined symbol 'puts'"), bare.err());
        assertEquals(0, Cli.run("link", "-r", obj, "-o", exe).code());
        Cli.Result r = Cli.run("run", exe, "--", "x");
        assertEquals("hello, world\nargc=2\n", r.out());
        assertEquals(0, r.code());
    }

    @Test
    void binaryGarbageIsRefusedWithOneLine() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("garbage", ".bin");
        byte[] b = new byte[4096];
        new java.util.Random(7).nextBytes(b);
        java.nio.file.Files.write(f, b);
        Cli.Result r = Cli.run("run", f.toString());
        assertEquals(65, r.code());
        assertEquals(f + ": error: not an assembly source, object, archive or executable (it holds binary data)\n", r.err());
    }

    @Test
    void badCommandLinesGetUsageErrors() {
        assertEquals(66, Cli.run("run", "/no/such/file.s").code());
        Cli.Result engine = Cli.run("run", "--engine", "warp", Cli.file("hello.s"));
        assertEquals(64, engine.code());
        assertTrue(engine.err().contains("unknown engine 'warp'; choose one of jit, interp"), engine.err());
        Cli.Result mem = Cli.run("run", "--mem", "12Q", Cli.file("hello.s"));
        assertEquals(64, mem.code());
        assertTrue(mem.err().contains("'12Q' is not a size"), mem.err());
        assertEquals(64, Cli.run("run", "--max-instructions", "-5", Cli.file("hello.s")).code());
    }

    @Test
    void programTooBigForMemoryIsABootError() {
        Cli.Result r = Cli.run("run", "--mem", "64K", Cli.file("hello.s"));
        assertTrue(r.code() == 125, r.code() + " " + r.err());
        assertTrue(r.err().startsWith("exo run: "), r.err());
    }
}
