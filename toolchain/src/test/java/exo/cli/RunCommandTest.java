package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code exo run} end to end: real assembly, the kernel, crt0, the engines. */
class RunCommandTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = new CommandLine(new RunCommand(console, new ByteArrayInputStream(new byte[0])));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(ExitCodes::unexpected);
        cl.setParameterExceptionHandler(ExitCodes::badUsage);
        return cl.execute(args);
    }

    String out() {
        return console.toString(StandardCharsets.UTF_8);
    }

    Path source(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** Prints its last argument (argv[argc-1], whose length is given) and exits with argc. */
    static final String ECHO = """
                    .text
                    .globl main
            main:
                    mv      s0, a0
                    addi    t0, a0, -1
                    slli    t0, t0, 2
                    add     t0, a1, t0
                    lw      a0, 0(t0)
                    li      a1, 5
                    syscall 22
                    mv      a0, s0
                    ret
            """;

    @Test
    void runsASourceWithArgumentsAndReturnsItsExitStatus() throws IOException {
        for (String engine : Engines.NAMES) {
            console.reset();
            Path p = source("echo.s", ECHO);
            assertEquals(3, run("--engine", engine, p.toString(), "--", "one", "hello"), err.toString());
            assertEquals("hello", out());
        }
    }

    @Test
    void severalProgramsShareTheMachineWithPrefixedOutputAndReportEachStatus() throws IOException {
        Path p = source("echo.s", ECHO);
        assertEquals(2, run(p.toString(), p.toString(), "--", "hello"));
        assertEquals("[echo.s] hello\n[echo.s#2] hello\n", out());
        assertTrue(err.toString().contains("[echo.s] exited with status 2"), err.toString());
        assertTrue(err.toString().contains("[echo.s#2] exited with status 2"), err.toString());
    }

    @Test
    void aCrashIsDiagnosedWithCauseSymbolAndSourceLine() throws IOException {
        Path p = source("crash.s", """
                        .text
                        .globl main
                main:
                        li      t0, 0
                        lw      t1, 0(t0)
                        ret
                """);
        assertEquals(128 + 1, run(p.toString()));
        String e = err.toString();
        assertTrue(e.contains("destroyed: unhandled tlb-load at EPC") && e.contains("main+0x4") && e.contains("crash.s:5"), e);
        assertTrue(e.contains("BADVADDR 0x00000000"), e);
    }

    @Test
    void aStatusOutside0To255NeverReadsAsSuccess() throws IOException {
        for (int status : new int[] {256, 1000, -1, 0x7fffffff}) {
            err.getBuffer().setLength(0);
            Path p = source("status.s", ".text\n.globl main\nmain: li a0, " + status + "\n ret\n");
            assertEquals(RunCommand.OUT_OF_RANGE_EXIT, run(p.toString()), err.toString());
            assertEquals("exo run: [status.s] exited with status " + status + ", outside 0..255; exit code 1\n", err.toString());
        }
        for (int status : new int[] {0, 64, 255}) {
            err.getBuffer().setLength(0);
            Path p = source("status.s", ".text\n.globl main\nmain: li a0, " + status + "\n ret\n");
            assertEquals(status, run(p.toString()), err.toString());
            assertEquals("", err.toString(), "a program's own status, even 64, comes with no message from Exo");
        }
    }

    @Test
    void theInstructionLimitStopsARunawayWithAClearMessage() throws IOException {
        Path p = source("spin.s", ".text\n.globl main\nmain: j main\n");
        assertEquals(RunCommand.LIMIT_EXIT, run("--max-instructions", "100000", p.toString()));
        assertTrue(err.toString().contains("--max-instructions limit was reached"), err.toString());
    }

    @Test
    void statsReportTheKernelFigures() throws IOException {
        Path p = source("echo.s", ECHO);
        run("--stats", p.toString(), "--", "hello");
        for (String s : new String[] {"instructions", "cycles", "exceptions forwarded", "TLB misses", "STLB hit rate", "protected transfers", "context switches"}) {
            assertTrue(err.toString().contains(s), s + " missing from " + err);
        }
    }

    @Test
    void badInputGetsOneClearMessageAndASysexitsCode() throws IOException {
        assertEquals(ExitCodes.NOINPUT, run(dir.resolve("missing.s").toString()));
        assertEquals(ExitCodes.USAGE, run("--mem", "12Q", "x.s"));
        assertTrue(err.toString().contains("'12Q' is not a size"), err.toString());
        // 2^34 G is 2^64 bytes: it used to wrap to 0 (and other sizes into range); now refused as it reads.
        assertEquals(ExitCodes.USAGE, run("--mem", "17179869184G", "x.s"));
        assertTrue(err.toString().contains("'17179869184G' is not a size"), err.toString());
        Path bad = source("bad.s", ".text\n.globl main\nmain: frob t0\n");
        assertEquals(ExitCodes.DATAERR, run(bad.toString()));
        assertEquals(ExitCodes.USAGE, run("--engine", "warp", bad.toString()));
        assertEquals(ExitCodes.USAGE, run("--runtime", "nope.list", bad.toString()));
        assertTrue(err.toString().contains("exo: --runtime: no runtime list 'nope.list' under guest-runtime/src/"), err.toString());
        assertEquals(ExitCodes.USAGE, run("--runtime", "../runtime.list", bad.toString()));
        assertTrue(!err.toString().contains("Exception"), err.toString());
    }

    /** A library defining helper (returns 7), as an archive. */
    Path helperArchive() throws Exception {
        exo.toolchain.obj.ObjectFile helper = exo.toolchain.asm.Assembler.assemble(
                exo.toolchain.SourceFile.of("helper.s", ".text\n.globl helper\nhelper: li a0, 7\n ret\n"));
        Path lib = dir.resolve("lib.a");
        Files.write(lib, exo.toolchain.obj.Archive.write(java.util.List.of(helper)));
        return lib;
    }

    static final String CALLS_HELPER = ".text\n.globl main\n.extern helper\nmain: addi sp, sp, -16\n sw ra, 0(sp)\n call helper\n"
            + " lw ra, 0(sp)\n addi sp, sp, 16\n ret\n";

    @Test
    void anArchiveIsALibraryLinkedIntoEveryProgramNamedWithIt() throws Exception {
        Path lib = helperArchive();
        Path main = source("main.s", CALLS_HELPER);
        assertEquals(7, run(main.toString(), lib.toString()), err.toString());
        assertEquals(7, run(lib.toString(), main.toString()), err.toString());
        assertEquals("", err.toString());
    }

    @Test
    void anArchiveAloneIsRefusedWithAMessageThatSaysWhy() throws Exception {
        Path lib = helperArchive();
        assertEquals(ExitCodes.DATAERR, run(lib.toString()));
        assertTrue(err.toString().contains("lib.a: error: an archive is a library, not a program: name the program to link it with"), err.toString());
        assertTrue(!err.toString().contains("undefined symbol"), err.toString());
    }

    /** The loader guarantees every segment page, at most 256 (docs/kernel-abi.md, "Guaranteed mappings are limited"). */
    @Test
    void aBssPastTheGuaranteedMappingLimitDoesNotBootAndSaysWhy() throws IOException {
        String program = ".bss\nbuf: .space %d\n.text\n.globl main\nmain: li a0, 3\n ret\n";
        assertEquals(3, run(source("fits.s", String.format(program, 912 * 1024)).toString()), err.toString());
        assertEquals(127, run(source("ptmem.s", String.format(program, 916 * 1024)).toString()));
        assertTrue(out().contains("libos: cannot allocate page-table storage"), out());
        assertEquals(RunCommand.BOOT_EXIT, run(source("big.s", String.format(program, 940 * 1024)).toString()));
        assertTrue(err.toString().contains("big.s: needs 262 pages but an environment may have at most 256 guaranteed mappings"), err.toString());
    }
}
