package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** exo asm, exo link, exo disasm, exo completion and exo alone: outputs, messages and sysexits codes. */
class ToolchainCommandsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static final String HELLO = ".globl _start\n.extern greet\n_start: call greet\n  break\n";
    private static final String GREET = ".globl greet\ngreet: la a0, msg\n  ret\n.rodata\nmsg: .asciz \"hi\"\n";

    @Test
    void aCommandLineNamingASubcommandBuildsOnlyThatOneAndBehavesTheSame() {
        CommandLine whole = Main.commandLine();
        assertEquals(java.util.List.of("help", "asm", "link", "disasm", "run", "debug", "bench", "disk", "completion"),
                java.util.List.copyOf(whole.getSubcommands().keySet()));
        for (String name : whole.getSubcommands().keySet()) {
            java.util.Set<String> built = Main.commandLine(name, "--help").getSubcommands().keySet();
            if (name.equals("help") || name.equals("completion")) {
                assertEquals(whole.getSubcommands().keySet(), built, name + " looks at the whole tree");
            } else {
                assertEquals(java.util.Set.of(name), built, name);
                assertEquals(whole.getSubcommands().get(name).getUsageMessage(), Main.commandLine(name).getSubcommands().get(name).getUsageMessage(),
                        name + ": the same usage either way");
            }
        }
        assertEquals(whole.getSubcommands().keySet(), Main.commandLine("rn").getSubcommands().keySet(), "a misspelt command sees them all");
        assertEquals(whole.getSubcommands().keySet(), Main.commandLine("--help").getSubcommands().keySet());
    }

    @Test
    void assembleLinkAndDisassemble(@TempDir Path dir) throws Exception {
        Path hello = Files.writeString(dir.resolve("hello.s"), HELLO);
        Path greet = Files.writeString(dir.resolve("greet.s"), GREET);
        assertEquals(0, run("asm", hello.toString()), err.toString());
        assertTrue(Files.exists(dir.resolve("hello.o")));
        assertEquals(0, run("asm", greet.toString(), "-o", dir.resolve("lib.a").toString()), err.toString());
        Path exe = dir.resolve("hello.exo");
        assertEquals(0, run("link", dir.resolve("hello.o").toString(), dir.resolve("lib.a").toString(), "-o", exe.toString()), err.toString());
        assertEquals(0, run("disasm", exe.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.contains("00010000 <_start>:"), text);
        assertTrue(text.contains("  00010000:  a0200002  jal ra, 0x10008 <greet>"), text);
        assertTrue(text.contains("segment 0x00011000 r--"), text);
        out.getBuffer().setLength(0);
        assertEquals(0, run("disasm", dir.resolve("hello.o").toString()), err.toString());
        assertTrue(out.toString().contains("jal ra, greet"), out.toString());
        assertEquals(0, run("disasm", dir.resolve("lib.a").toString()), err.toString());
        assertTrue(out.toString().contains("lui a0, 0    # HI16 msg"), out.toString());
    }

    @Test
    void listingGoesToStandardOutput(@TempDir Path dir) throws Exception {
        Path greet = Files.writeString(dir.resolve("greet.s"), GREET);
        assertEquals(0, run("asm", "-l", greet.toString()));
        assertTrue(out.toString().startsWith(".text    00000000  00008020          " + greet + ":2  greet: la a0, msg\n"
                + ".text    00000004  00008418          \n"), out.toString());
    }

    @Test
    void sourcesCanBeLinkedDirectlyWithOptions(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.s"), ".globl main\nmain: nop\n");
        assertEquals(0, run("link", p.toString(), "--base", "0x400000", "--entry", "main"), err.toString());
        assertEquals(0, run("disasm", dir.resolve("p.exo").toString()));
        assertTrue(out.toString().contains("entry 0x400000 <main (" + p + ":2)>"), out.toString());
    }

    @Test
    void errorsAreDiagnosticsWithDataErr(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.s"), "addi a0, a0, 70000\nbogus\n");
        assertEquals(ExitCodes.DATAERR, run("asm", bad.toString()));
        assertEquals(bad + ":1:14: error: immediate 70000 out of range for addi: allowed -32768..32767\naddi a0, a0, 70000\n             ^\n"
                + bad + ":2:1: error: unknown instruction 'bogus'\nbogus\n^\n2 errors\n", err.toString());
        assertTrue(!Files.exists(dir.resolve("bad.o")));
    }

    @Test
    void linkErrorsAreDataErr(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.s"), "nop\n");
        assertEquals(ExitCodes.DATAERR, run("link", p.toString()));
        assertEquals("exo: error: entry symbol '_start' is not defined (define it, or choose another with --entry)\n", err.toString());
    }

    @Test
    void missingInputIsNoInput(@TempDir Path dir) {
        assertEquals(ExitCodes.NOINPUT, run("asm", dir.resolve("nope.s").toString()));
        assertEquals("exo: " + dir.resolve("nope.s") + ": no such file\n", err.toString());
        assertEquals(ExitCodes.NOINPUT, run("disasm", dir.resolve("nope.o").toString()));
        assertEquals(ExitCodes.NOINPUT, run("link", dir.resolve("nope.o").toString()));
    }

    @Test
    void corruptBinaryIsDataErr(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.exo"), new byte[] {'E', 'X', 'O', 'X', 1, 0});
        assertEquals(ExitCodes.DATAERR, run("disasm", junk.toString()));
        assertEquals(junk + ": error: truncated at byte 6 while reading the header flags\n", err.toString());
        Path text = Files.writeString(dir.resolve("t.txt"), "hello");
        assertEquals(ExitCodes.DATAERR, run("disasm", text.toString()));
    }

    @Test
    void anEmptyOrMalformedBinaryIsAFormatErrorInEveryCommand(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"e.exo", "e.o", "e.a"}) {
            Path empty = Files.write(dir.resolve(name), new byte[0]);
            for (String[] cmd : new String[][] {{"run"}, {"debug"}, {"link"}, {"asm"}}) {
                err.getBuffer().setLength(0);
                String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
                args[cmd.length] = empty.toString();
                assertEquals(ExitCodes.DATAERR, run(args), String.join(" ", args) + ": " + err);
                assertEquals(empty + ": error: not an Exo object, archive or executable (the file is empty)\n", err.toString(),
                        String.join(" ", args));
            }
            assertEquals(ExitCodes.DATAERR, run("disasm", empty.toString()));
        }
        Path text = Files.writeString(dir.resolve("t.o"), "nop\n");
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.DATAERR, run("link", text.toString()));
        assertEquals(text + ": error: not an Exo object, archive or executable (no magic number)\n", err.toString());
    }

    @Test
    void asmRefusesAnObjectRatherThanOverwriteIt(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.s"), "nop\n");
        assertEquals(0, run("asm", p.toString()));
        byte[] object = Files.readAllBytes(dir.resolve("p.o"));
        assertEquals(ExitCodes.DATAERR, run("asm", dir.resolve("p.o").toString()));
        assertTrue(err.toString().contains("p.o: error: not an assembly source: it is an Exo object"), err.toString());
        assertTrue(java.util.Arrays.equals(object, Files.readAllBytes(dir.resolve("p.o"))));
    }

    @Test
    void unwritableOutputIsCantCreat(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.s"), "nop\n");
        assertEquals(ExitCodes.CANTCREAT, run("asm", p.toString(), "-o", dir.resolve("no/such/dir/p.o").toString()));
    }

    @Test
    void usageErrors(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.s"), "nop\n");
        Path b = Files.writeString(dir.resolve("b.s"), "nop\n");
        assertEquals(ExitCodes.USAGE, run("asm", a.toString(), b.toString(), "-o", dir.resolve("x.o").toString()));
        assertEquals(ExitCodes.USAGE, run("link", a.toString(), "--base", "banana"));
        assertEquals(ExitCodes.USAGE, run("asm"));
    }

    @Test
    void badOptionValuesAreUsageErrorsWithOneLine(@TempDir Path dir) throws Exception {
        Path p = Files.writeString(dir.resolve("p.s"), ".globl _start\n_start: nop\n");
        assertEquals(ExitCodes.USAGE, run("link", p.toString(), "--base", "0x10004"));
        assertTrue(err.toString().startsWith("exo: --base: 0x10004 is not page-aligned (a multiple of 0x1000)\n"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(ExitCodes.USAGE, run("link", p.toString(), "--runtime", "nope.list"));
        assertTrue(err.toString().startsWith("exo: --runtime: no runtime list 'nope.list' under guest-runtime/src/"), err.toString());
        assertTrue(!Files.exists(dir.resolve("p.exo")));
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"asm", "link", "disasm"}) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(c, "--help"));
            assertTrue(out.toString().startsWith("Usage: exo " + c), out.toString());
            assertTrue(out.toString().contains("Exit codes:"), out.toString());
            out.getBuffer().setLength(0);
            assertEquals(0, run(c, "--version"));
            assertTrue(out.toString().startsWith("exo "), out.toString());
        }
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
        for (String c : new String[] {"asm", "link", "disasm", "run", "debug", "bench", "disk", "completion"}) {
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
