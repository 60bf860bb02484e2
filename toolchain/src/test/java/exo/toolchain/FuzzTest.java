package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import exo.toolchain.asm.Assembler;
import exo.toolchain.disasm.Disassembly;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.FormatException;
import exo.toolchain.obj.ObjectFile;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated sources, objects, archives and executables: every outcome is a result or
 * a reported error, never another exception, and everything finishes. Seeded, so a failure
 * reproduces; the failing input is in the assertion message.
 */
public class FuzzTest {
    /** A program with most of the assembler's features, which mutations start from (CliFuzzTest's too). */
    public static final String SEED_PROGRAM = String.join("\n",
            ".globl _start, f", ".extern g", ".equ N, 10", ".macro m a, b=2", "  addi \\a, \\a, \\b", "lbl\\@: bnez \\a, lbl\\@", ".endm",
            "_start: li a0, N * 3", "  la a1, msg", "1: addi a0, a0, -1", "  bnez a0, 1b", "  m t0", "  m t1, b=7", "  call f", "  call g",
            "  push ra, s0", "  pop ra, s0", ".if N > 5", "  lw t0, 8(sp)", ".else", "  sw t0, -8(sp)", ".endif",
            "f: ret", ".rodata", "msg: .asciz \"hi\\n\\x41\"", ".data", ".align 4", "w: .word msg, f + 4, end - w", ".half 1, -2", ".byte 'a'",
            "end:", ".bss", ".space 100");

    /** What random sources are made of (CliFuzzTest's too). */
    public static final String[] TOKENS = {"add", "addi", "lw", "sw", "beq", "jal", "jalr", "li", "la", "call", "ret", "push", "pop", "j",
        "a0", "t1", "sp", "zero", "ra", ",", ",", " ", " ", "(", ")", "0", "1", "-1", "0x7fffffff", "99999999999", "'a'", "\"s\"", "\"",
        ":", "x", "y", "1b", "1f", "1:", "x:", ".word", ".byte", ".half", ".ascii", ".space", ".align", ".equ", ".set", ".if", ".else",
        ".endif", ".macro", ".endm", ".include", ".globl", ".extern", ".text", ".data", ".bss", ".rodata", "+", "-", "*", "/", "%", "<<",
        ">>", "~", "!", "==", "&&", "||", "\\", "\\@", "#", ";", ".", "=", "\t", "\u00e9", "syscall", "break", "lui", "ori", "slli"};

    private static void assembleQuietly(String src) {
        try {
            Assembler.assemble(SourceFile.of("fuzz.s", src), "fuzz.o", true);
        } catch (ToolchainException expected) {
            // A reported error is a correct outcome.
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("assembler crashed on:\n" + src, e);
        }
    }

    @Test
    void randomSources() {
        Random rnd = new Random(1);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < 3000; n++) {
                StringBuilder sb = new StringBuilder();
                int lines = 1 + rnd.nextInt(12);
                for (int l = 0; l < lines; l++) {
                    int toks = rnd.nextInt(n % 10 == 0 ? 60 : 8);
                    for (int t = 0; t < toks; t++) sb.append(TOKENS[rnd.nextInt(TOKENS.length)]).append(rnd.nextInt(3) == 0 ? "" : " ");
                    sb.append('\n');
                }
                assembleQuietly(sb.toString());
            }
        });
    }

    @Test
    void mutatedSources() {
        Random rnd = new Random(2);
        String chars = " ,():#;\"'\\@.-+*/%<>=!~&|^\n\tabcxyz0123456789";
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < 3000; n++) {
                StringBuilder sb = new StringBuilder(SEED_PROGRAM);
                int edits = 1 + rnd.nextInt(6);
                for (int e = 0; e < edits; e++) {
                    int at = rnd.nextInt(sb.length());
                    switch (rnd.nextInt(3)) {
                        case 0: sb.deleteCharAt(at); break;
                        case 1: sb.insert(at, chars.charAt(rnd.nextInt(chars.length()))); break;
                        default: sb.setCharAt(at, chars.charAt(rnd.nextInt(chars.length())));
                    }
                }
                assembleQuietly(sb.toString());
            }
        });
    }

    /** Runs on a thread with a 512 KiB stack, half the 64-bit JVM default, to prove the bounds hold once the code is compiled. */
    @Test
    void pathologicalNestingIsAnErrorNotAStackOverflow() throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                assembleQuietly(".data\n.word " + "(".repeat(100_000) + "1" + ")".repeat(100_000));
                assembleQuietly(".data\n.word " + "-".repeat(100_000) + "1");
                assembleQuietly(".data\n.word 1" + " + 1".repeat(100_000));
                assembleQuietly(".data\n.equ x, y" + " + 1".repeat(100_000) + "\ny: .word x");
                StringBuilder chain = new StringBuilder(".data\n.word v0\n");
                for (int i = 0; i < 3_000; i++) chain.append(".equ v").append(i).append(", v").append(i + 1).append(" + 1\n");
                chain.append("v3000: .word 0\n");
                assembleQuietly(chain.toString());
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small-stack", 512 * 1024);
        t.start();
        t.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);
    }

    private static byte[] mutate(byte[] original, Random rnd) {
        byte[] b = original.clone();
        switch (rnd.nextInt(4)) {
            case 0:
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 1: {
                int edits = 1 + rnd.nextInt(4);
                for (int e = 0; e < edits; e++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                return b;
            }
            case 2: {
                // Small integer changes to a 32-bit field hit counts, offsets and sizes.
                int at = rnd.nextInt(b.length - 4) & ~0;
                b[at] += (byte) (rnd.nextInt(9) - 4);
                return b;
            }
            default: {
                int at = rnd.nextInt(b.length);
                b[at] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            }
        }
    }

    @Test
    void mutatedObjectsAndArchives() throws Exception {
        ObjectFile main = Assembler.assemble(SourceFile.of("m.s", SEED_PROGRAM));
        ObjectFile lib = Assembler.assemble(SourceFile.of("g.s", ".globl g\ng: ret\n.data\n.word g"));
        byte[] obj = main.write();
        byte[] ar = Archive.write(List.of(lib));
        Random rnd = new Random(3);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < 4000; n++) {
                boolean archive = n % 4 == 3;
                byte[] b = mutate(archive ? ar : obj, rnd);
                try {
                    List<ObjectFile> objs = archive ? Archive.read("x.a", b) : List.of(ObjectFile.read("x.o", b));
                    for (ObjectFile o : objs) Disassembly.object(o);
                    List<ObjectFile> explicit = archive ? List.of(main) : objs;
                    List<List<ObjectFile>> archives = archive ? List.of(objs) : List.of(List.of(lib));
                    Executable exe = Linker.link(explicit, archives, LinkOptions.DEFAULT);
                    Executable.read(exe.write());
                } catch (FormatException | ToolchainException expected) {
                    // Rejected with a message: correct.
                } catch (RuntimeException e) {
                    throw new AssertionError("crash on mutation " + n + " of the " + (archive ? "archive" : "object"), e);
                }
            }
        });
    }

    @Test
    void mutatedExecutables() throws Exception {
        Executable exe = Linker.link(List.of(Assembler.assemble(SourceFile.of("m.s", SEED_PROGRAM)),
                Assembler.assemble(SourceFile.of("g.s", ".globl g\ng: ret"))), List.of(), LinkOptions.DEFAULT);
        byte[] good = exe.write();
        Random rnd = new Random(4);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int n = 0; n < 4000; n++) {
                byte[] b = mutate(good, rnd);
                try {
                    var img = Loader.load("x.exo", b);
                    Disassembly.executable("x.exo", Executable.read(b));
                    for (int k = 0; k < 20; k++) img.symbolizer().describe(img.entry() + 4 * (rnd.nextInt(64) - 8));
                    img.symbolizer().describe(rnd.nextInt());
                } catch (ToolchainException | FormatException expected) {
                    // Rejected with a message: correct.
                } catch (RuntimeException e) {
                    throw new AssertionError("crash on executable mutation " + n, e);
                }
            }
        });
    }
}
