package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code exo run --disk}: guest-programs/src/blocks.s run twice on one image (the second run
 * reads back what the first flushed), the same output and cycles under both engines, and every
 * way an image can be unusable answered with its documented exit code and one line, never a
 * stack trace.
 */
class DiskCommandTest {
    static final String BLOCKS = GuestProgramsTest.PROGRAMS.resolve("blocks.s").toString();

    @TempDir
    Path dir;

    /** A run's total guest cycles, from --stats. */
    static long cycles(Cli.Result r) {
        Matcher m = Pattern.compile("cycles\\s+([0-9,]+)").matcher(r.err());
        assertTrue(m.find(), r.err());
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void blocksWritesOnTheFirstRunAndReadsBackOnTheNext(String engine) {
        String img = dir.resolve(engine + ".img").toString();
        Cli.Result first = Cli.run("run", "--engine", engine, "--disk", img, "--disk-create", "64K", BLOCKS);
        assertEquals(0, first.code(), first.err());
        assertEquals("run 1: block 3 allocated, written and flushed\n", first.out());
        Cli.Result second = Cli.run("run", "--engine", engine, "--disk", img, BLOCKS);
        assertEquals(0, second.code(), second.err());
        assertEquals("run 2: block 3 read back: written by the first run of blocks.s\n", second.out());
        assertEquals("run 3: block 3 read back: written by the first run of blocks.s\n", Cli.run("run", "--engine", engine, "--disk", img, BLOCKS).out());
    }

    @Test
    void bothEnginesAgreeOnOutputCyclesAndTheImage() throws IOException {
        Path a = dir.resolve("a.img"), b = dir.resolve("b.img");
        for (int run = 0; run < 2; run++) {
            String create = run == 0 ? "64K" : null;
            Cli.Result i = create == null ? Cli.run("run", "--stats", "--engine", "interp", "--disk", a.toString(), BLOCKS)
                    : Cli.run("run", "--stats", "--engine", "interp", "--disk", a.toString(), "--disk-create", create, BLOCKS);
            Cli.Result j = create == null ? Cli.run("run", "--stats", "--engine", "jit", "--disk", b.toString(), BLOCKS)
                    : Cli.run("run", "--stats", "--engine", "jit", "--disk", b.toString(), "--disk-create", create, BLOCKS);
            assertEquals(i.out(), j.out());
            assertEquals(cycles(i), cycles(j), "run " + (run + 1));
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws IOException {
        Path p = dir.resolve("mine.img");
        Files.writeString(p, "precious");
        Cli.Result r = Cli.run("run", "--disk", p.toString(), "--disk-create", "64K", BLOCKS);
        assertEquals(73, r.code());
        assertTrue(r.err().contains("already exists; not overwriting it"), r.err());
        assertEquals("precious", Files.readString(p));
    }

    @Test
    void aMissingImageIsReported() {
        Cli.Result r = Cli.run("run", "--disk", dir.resolve("none.img").toString(), BLOCKS);
        assertEquals(66, r.code());
        assertTrue(r.err().contains("no such disk image"), r.err());
    }

    @Test
    void aCorruptOrTruncatedImageGetsAMessageNotAStackTrace() throws IOException {
        Path p = dir.resolve("c.img");
        assertEquals(0, Cli.run("run", "--disk", p.toString(), "--disk-create", "64K", BLOCKS).code());
        byte[] good = Files.readAllBytes(p);
        byte[] bad = good.clone();
        bad[60] ^= 0x10;                                   // both copies of the kernel's table
        bad[4096 + 60] ^= 0x10;
        Files.write(p, bad);
        Cli.Result r = Cli.run("run", "--disk", p.toString(), BLOCKS);
        assertEquals(65, r.code());
        assertEquals("exo run: " + p + ": not a valid disk image: metadata copy A fails its checksum; copy B fails its checksum\n", r.err());
        Files.write(p, java.util.Arrays.copyOf(good, good.length - 1000));
        r = Cli.run("run", "--disk", p.toString(), BLOCKS);
        assertEquals(65, r.code());
        assertTrue(r.err().contains("is not a disk image (truncated?)"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void badDiskOptionsAreUsageErrors() {
        assertEquals(64, Cli.run("run", "--disk-create", "64K", BLOCKS).code());
        assertEquals(64, Cli.run("run", "--disk", dir.resolve("x.img").toString(), "--disk-create", "5000", BLOCKS).code());
        assertEquals(66, Cli.run("run", "--kernel", "mono", "--disk", dir.resolve("x.img").toString(), MonoFsTest.resource("fscalls.s")).code(), "the baseline has a disk too: a missing image");
        assertFalse(Files.exists(dir.resolve("x.img")));
        Cli.Result tooSmall = Cli.run("run", "--disk", dir.resolve("s.img").toString(), "--disk-create", "8K", BLOCKS);
        assertEquals(65, tooSmall.code());
        assertTrue(tooSmall.err().contains("too small"), tooSmall.err());
        assertFalse(Files.exists(dir.resolve("s.img")), "a refused image is not left behind");
    }
}
