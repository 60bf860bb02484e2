package exo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.fuzz.Choices;
import exo.fuzz.Fuzz;
import exo.toolchain.FuzzTest;
import exo.toolchain.SourceFile;
import exo.toolchain.asm.Assembler;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.ObjectFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Bad input fed to the commands a user runs, as a user would: malformed assembly source to
 * {@code exo asm} and {@code exo run}, and corrupted objects, archives and executables to
 * {@code exo disasm}, {@code exo link} and {@code exo run}. Each command must end with an exit
 * code its help documents and, on failure, a message that starts with the file's name (and a
 * line where there is one) — never a stack trace or an internal error (exit 70).
 *
 * <p>Properties run by {@link Fuzz}: a failure is shrunk to the fewest tokens or byte changes
 * that still fail, and printed with the seed ({@code -Dexo.fuzz.seed=S} replays it). The count
 * is {@code exo.fuzz.tries} (toolchain/pom.xml; -D to change it). {@code exo.toolchain.FuzzTest}
 * drives the library API the same way at higher volume; this class checks what reaches the user.
 */
class CliFuzzTest {
    /** FuzzTest's program, whose entry becomes main so that it links with the library OS. */
    static final String SEED_PROGRAM = FuzzTest.SEED_PROGRAM.replace("_start", "main") + "\n";
    static final String[] TOKENS = FuzzTest.TOKENS;

    /** The first line of a command's error: where (file, maybe line and column), then what. */
    static final Pattern LOCATED = Pattern.compile("^\\S+?(:\\d+){0,2}: (error|warning): \\S.*");
    /** Exit codes each command documents in its --help. */
    static final Set<Integer> ASM_EXITS = Set.of(0, 65), LINK_EXITS = Set.of(0, 65), DISASM_EXITS = Set.of(0, 65);

    static final Path DIR = tempDir();
    static final byte[] OBJECT, ARCHIVE, EXECUTABLE;

    static {
        try {
            ObjectFile main = Assembler.assemble(SourceFile.of("m.s", SEED_PROGRAM));
            ObjectFile lib = Assembler.assemble(SourceFile.of("g.s", ".globl g\ng: ret\n.data\n.word g, 7\n"));
            OBJECT = main.write();
            ARCHIVE = Archive.write(List.of(lib));
            ObjectFile start = Assembler.assemble(SourceFile.of("start.s", String.join("\n",
                    ".globl _start", "_start: li t0, 100", "1: addi t0, t0, -1", "  bnez t0, 1b", "  la t1, w", "  lw a0, 0(t1)",
                    "  syscall 4", ".data", "w: .word 3", "")));
            EXECUTABLE = Linker.link(List.of(start), List.of(), LinkOptions.DEFAULT).write();
            Files.write(DIR.resolve("lib.a"), ARCHIVE);
            Files.write(DIR.resolve("main.o"), OBJECT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("exo-clifuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeTheFiles() throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** A command's outcome: exit code and standard error. */
    record Outcome(int exit, String err) {}

    static Outcome exo(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl;
        if (args[0].equals("run")) {
            cl = new CommandLine(new RunCommand(OutputStream.nullOutputStream(), new ByteArrayInputStream(new byte[0])));
            cl.setExecutionExceptionHandler(ExitCodes::unexpected);
            cl.setParameterExceptionHandler(ExitCodes::badUsage);
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        } else {
            cl = Main.commandLine();
        }
        cl.setOut(new PrintWriter(OutputStream.nullOutputStream()));
        cl.setErr(new PrintWriter(err, true));
        int exit;
        try {
            exit = cl.execute(args);
        } catch (Throwable t) {                                   // an Error escaped every handler
            throw new AssertionError("exo " + String.join(" ", args) + " threw", t);
        }
        return new Outcome(exit, err.toString());
    }

    /** Exit in the command's documented set; on failure a located first line; never an internal error or a trace. */
    static void assertClean(String what, Outcome o, Set<Integer> documented) {
        String err = o.err();
        assertFalse(err.contains("internal error") || err.contains("Exception") || err.contains("\tat "), what + ": " + err);
        if (documented != null) assertTrue(documented.contains(o.exit()), what + ": undocumented exit " + o.exit() + "\n" + err);
        if (o.exit() == ExitCodes.DATAERR) {
            String first = err.lines().findFirst().orElse("");
            assertTrue(LOCATED.matcher(first).matches(), what + ": the first line names no location: " + first);
        }
    }

    static final String EDIT_CHARS = " ,():#;\"'\\@.-+*/%<>=!~&|^\n\tabcxyz0123456789";

    /** Lines of FuzzTest's tokens, or the seed program with up to six one-character edits. */
    static String source(Choices c) {
        if (!c.bool()) {
            return String.join("\n", c.list(1, 12, l -> String.join(" ", l.list(0, 8, t -> t.pick(TOKENS))))) + "\n";
        }
        StringBuilder sb = new StringBuilder(SEED_PROGRAM);
        for (int[] e : c.list(1, 6, x -> new int[] {x.between(0, SEED_PROGRAM.length()), x.between(0, 2), x.between(0, EDIT_CHARS.length() - 1)})) {
            int at = Math.min(e[0], sb.length() - 1);
            switch (e[1]) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.insert(at, EDIT_CHARS.charAt(e[2]));
                default -> sb.setCharAt(at, EDIT_CHARS.charAt(e[2]));
            }
        }
        return sb.toString();
    }

    @Test
    void malformedSourceGetsALocatedErrorAndADocumentedExit() {
        Fuzz.check("malformedSourceGetsALocatedErrorAndADocumentedExit", CliFuzzTest::source, CliFuzzTest::malformedSource);
    }

    static void malformedSource(String source) throws IOException {
        Path src = DIR.resolve("fuzz.s");
        Files.writeString(src, source, StandardCharsets.UTF_8);
        Outcome asm = exo("asm", src.toString(), "-o", DIR.resolve("fuzz.o").toString());
        assertClean("exo asm on\n" + source, asm, ASM_EXITS);
        if (asm.exit() == 0) assertClean("exo disasm of the object of\n" + source, exo("disasm", DIR.resolve("fuzz.o").toString()), DISASM_EXITS);
        // A program that assembles and links runs under a small instruction limit; any status is
        // the program's own, but Exo's messages must still be clean.
        assertClean("exo run on\n" + source, exo("run", "--max-instructions", "200000", src.toString()), null);
    }

    /** One corruption of a binary file: what to do, where (taken modulo the length), and a value. */
    record Corruption(int kind, int at, int value) {
        byte[] apply(byte[] b) {
            if (b.length == 0) return b;
            int i = Math.floorMod(at, b.length);
            switch (kind) {
                case 0 -> b = java.util.Arrays.copyOf(b, i);                                  // truncate
                case 1 -> b[i] = (byte) value;                                                 // set a byte
                case 2 -> b[i] ^= (byte) (1 << (value & 7));                                   // flip a bit
                case 3 -> { for (int k = 0; k < 4 && i + k < b.length; k++) b[i + k] = (byte) (value >>> 8 * k); } // set a word
                default -> { byte[] c = java.util.Arrays.copyOf(b, b.length + 1 + (value & 63)); b = c; }          // trailing bytes
            }
            return b;
        }
    }

    static final int[] SPECIAL_VALUES = {0, 1, -1, 0x7FFFFFFF, 0x80000000, 0xFFFF, 0x10000, 4096};

    /** Corruption offsets: every input is shorter, so an offset is where it acts and shrinks as a place would. */
    static final int MAX_AT = 4095;

    /** One to five corruptions; a value is one of the special values or any int. */
    static List<Corruption> corruptions(Choices c) {
        return c.list(1, 5, x -> new Corruption(x.between(0, 4), x.between(0, MAX_AT),
                x.bool() ? x.anyInt() : x.pick(SPECIAL_VALUES)));
    }

    @Test
    void aCorruptedObjectIsRefusedClearly() {
        Fuzz.check("aCorruptedObjectIsRefusedClearly", CliFuzzTest::corruptions, corruption -> {
            Path o = DIR.resolve("bad.o");
            Files.write(o, corrupt(OBJECT, corruption));
            String what = " of an object corrupted by " + corruption;
            assertClean("exo disasm" + what, exo("disasm", o.toString()), DISASM_EXITS);
            assertClean("exo link" + what, exo("link", "-r", o.toString(), DIR.resolve("lib.a").toString(), "-o", DIR.resolve("bad.exo").toString()),
                    LINK_EXITS);
            assertClean("exo run" + what, exo("run", "--max-instructions", "200000", o.toString(), DIR.resolve("lib.a").toString()), null);
        });
    }

    @Test
    void aCorruptedArchiveIsRefusedClearly() {
        Fuzz.check("aCorruptedArchiveIsRefusedClearly", CliFuzzTest::corruptions, corruption -> {
            Path a = DIR.resolve("bad.a");
            Files.write(a, corrupt(ARCHIVE, corruption));
            String what = " of an archive corrupted by " + corruption;
            assertClean("exo disasm" + what, exo("disasm", a.toString()), DISASM_EXITS);
            assertClean("exo link" + what, exo("link", "-r", DIR.resolve("main.o").toString(), a.toString(), "-o", DIR.resolve("bad2.exo").toString()),
                    LINK_EXITS);
        });
    }

    @Test
    void aCorruptedExecutableIsRefusedOrRunsWithinItsLimits() {
        Fuzz.check("aCorruptedExecutableIsRefusedOrRunsWithinItsLimits", CliFuzzTest::corruptions, corruption -> {
            Path x = DIR.resolve("bad.exo");
            Files.write(x, corrupt(EXECUTABLE, corruption));
            String what = " of an executable corrupted by " + corruption;
            assertClean("exo disasm" + what, exo("disasm", x.toString()), DISASM_EXITS);
            assertClean("exo run" + what, exo("run", "--max-instructions", "200000", x.toString()), null);
        });
    }

    static byte[] corrupt(byte[] good, List<Corruption> corruption) {
        byte[] b = good.clone();
        for (Corruption c : corruption) b = c.apply(b);
        return b;
    }

    /** The unmodified inputs pass every command, so the properties above test the corruption, not the harness. */
    @Test
    void theUncorruptedInputsWork() {
        for (byte[] b : new byte[][] {OBJECT, ARCHIVE, EXECUTABLE}) assertTrue(b.length <= MAX_AT, "corruptions reach " + b.length + " bytes");
        assertEquals(3, exo("run", writeAndName("good.exo", EXECUTABLE)).exit());
        assertEquals(0, exo("disasm", writeAndName("good.o", OBJECT)).exit());
        assertEquals(0, exo("disasm", DIR.resolve("lib.a").toString()).exit());
        assertEquals(0, exo("link", "-r", DIR.resolve("main.o").toString(), DIR.resolve("lib.a").toString(), "-o", DIR.resolve("ok.exo").toString()).exit());
        assertEquals(0, exo("asm", writeAndName("seed.s", SEED_PROGRAM), "-o", DIR.resolve("seed.o").toString()).exit());
        // main falls into f, whose ret returns after the call again: a loop the limit stops.
        assertEquals(RunCommand.LIMIT_EXIT, exo("run", "--max-instructions", "200000", DIR.resolve("main.o").toString(),
                DIR.resolve("lib.a").toString()).exit());
    }

    private static String writeAndName(String name, Object content) {
        try {
            Path p = DIR.resolve(name);
            if (content instanceof byte[] b) Files.write(p, b);
            else Files.writeString(p, (String) content);
            return p.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
