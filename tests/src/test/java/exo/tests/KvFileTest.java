package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * guest-programs/src/kvfile.s, kvstore's store with its buckets in one file of the library file
 * system (docs/disks.md): under each file system (ext: runtime.list, log: runtime-lfs.list) a
 * session of runs on one image gives the same output, cycles and image bytes under both engines,
 * and what one run puts a later run gets; records land where kvstore puts them on an image of
 * the same size; a disk of another format, a /kv that is not a store and bad usage each end
 * with their documented exit status.
 */
class KvFileTest {
    static final String KVFILE = GuestProgramsTest.PROGRAMS.resolve("kvfile.s").toString();
    static final String KVSTORE = GuestProgramsTest.PROGRAMS.resolve("kvstore.s").toString();
    static final String FILES = GuestProgramsTest.PROGRAMS.resolve("files.s").toString();

    @TempDir
    Path dir;

    /** program with these arguments under runtime list on image img, created (16M) first if create. */
    static Cli.Result run(String program, String runtime, String engine, Path img, boolean create, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--runtime", runtime, "--disk", img.toString()));
        if (create) cmd.addAll(List.of("--disk-create", "16M"));
        cmd.add(program);
        cmd.add("--");
        cmd.addAll(List.of(args));
        return Cli.run(cmd.toArray(new String[0]));
    }

    static Cli.Result kv(String runtime, String engine, Path img, boolean create, String... args) {
        return run(KVFILE, runtime, engine, img, create, args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime.list", "runtime-lfs.list"})
    void aSessionAcrossRunsIsTheSameUnderBothEnginesAndPersists(String runtime) throws IOException {
        String[][] runs = {
            {"put", "colour", "blue"}, {"put", "size", "forty two"}, {"get", "colour"}, {"put", "colour", "red"},
            {"del", "size"}, {"get", "size"}, {"get", "colour"}, {"bench", "100"}, {"get", "k99"}, {"list"}};
        Path a = dir.resolve("interp.img"), b = dir.resolve("jit.img");
        List<Cli.Result> r = new ArrayList<>();
        for (int n = 0; n < runs.length; n++) {
            Cli.Result i = kv(runtime, "interp", a, n == 0, runs[n]);
            Cli.Result j = kv(runtime, "jit", b, n == 0, runs[n]);
            String what = runtime + ": " + String.join(" ", runs[n]);
            assertEquals(i.code(), j.code(), what + ": exit status");
            assertEquals(i.out(), j.out(), what + ": output");
            assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), what + ": cycles");
            r.add(i);
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), runtime + ": the same image, byte for byte");
        assertEquals("kvfile: new store of 16 buckets\nstored colour in bucket 13, slot 15\n", r.get(0).out());
        assertEquals("blue\n", r.get(2).out(), "put in one run, got in the next");
        assertEquals(r.get(0).out().substring(r.get(0).out().indexOf('\n') + 1), r.get(3).out(), "the same record, overwritten");
        assertEquals("deleted size\n", r.get(4).out());
        assertEquals("not found\n", r.get(5).out());
        assertEquals(1, r.get(5).code());
        assertEquals("red\n", r.get(6).out());
        assertTrue(r.get(7).out().matches("bench: 100 puts, 100 gets, all found\n"
                + "cycles: \\d+ per put, \\d+ per get, \\d+ for the write-back and flush\n"), r.get(7).out());
        assertEquals("value of 99\n", r.get(8).out());
        assertTrue(r.get(9).out().contains("\ncolour red\n") && r.get(9).out().endsWith("\n101 keys in 16 buckets\n"), r.get(9).out());
        for (int n = 0; n < r.size(); n++) if (n != 5) assertEquals(0, r.get(n).code(), r.get(n).out() + r.get(n).err());
        Cli.Result fsck = run(FILES, runtime, "jit", b, false, "fsck");
        assertEquals(0, fsck.code(), fsck.out());
        assertTrue(fsck.out().endsWith(", 0 problems\n"), fsck.out());
    }

    @Test
    void recordsLandWhereKvstorePutsThemOnAnImageOfTheSameSize() {
        String[] put = {"put", "size", "forty two"};
        Cli.Result raw = run(KVSTORE, "runtime.list", "jit", dir.resolve("raw.img"), true, put);
        Cli.Result file = kv("runtime-lfs.list", "jit", dir.resolve("file.img"), true, put);
        assertEquals(0, raw.code(), raw.out());
        assertEquals(raw.out().replace("kvstore:", "kvfile:"), file.out(), "the same buckets, hash and slots");
    }

    @Test
    void noDiskIsStatusTwo() {
        Cli.Result r = Cli.run("run", KVFILE, "--", "list");
        assertEquals(2, r.code());
        assertEquals("kvfile: no disk; run with --disk IMAGE (and --disk-create 16M the first time)\n", r.out());
    }

    @Test
    void aDiskOfAnotherFormatIsRefusedAndLeftAlone() throws IOException {
        Path img = dir.resolve("raw.img");
        assertEquals(0, run(KVSTORE, "runtime.list", "jit", img, true, "put", "colour", "blue").code());
        byte[] before = Files.readAllBytes(img);
        for (String runtime : List.of("runtime.list", "runtime-lfs.list")) {
            Cli.Result r = kv(runtime, "jit", img, false, "list");
            assertEquals(4, r.code(), r.out());
            assertEquals("kvfile: the disk holds another format, not this library file system\n", r.out());
        }
        byte[] after = Files.readAllBytes(img);
        int table = 2 * ((48 + 20 * 4096 + 4095) / 4096) * 4096;   // the kernel's two copies on a 16M image (docs/disks.md)
        assertArrayEquals(Arrays.copyOfRange(before, table, before.length), Arrays.copyOfRange(after, table, after.length),
                "nothing but the kernel's table (its boot count) changes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runtime.list", "runtime-lfs.list"})
    void aKvFileThatIsNotAStoreIsRefused(String runtime) {
        Path img = dir.resolve("other.img");
        assertEquals(0, run(FILES, runtime, "jit", img, true, "put", "/kv", "hello").code());
        Cli.Result r = kv(runtime, "interp", img, false, "get", "colour");
        assertEquals(4, r.code(), r.out());
        assertEquals("kvfile: /kv is not a store (6 bytes, short of its header)\n", r.out());
        assertEquals("hello\n", run(FILES, runtime, "jit", img, false, "cat", "/kv").out(), "/kv is left as it was");
    }

    /**
     * A header of zeros is what a first run torn between its buckets' fsync and its header's
     * leaves: the next run makes a new store. (ext, whose data blocks are written in place, so
     * the header's block is the one block of the image that starts with the magic and 16.)
     */
    @Test
    void aHeaderOfZerosMakesANewStore() throws IOException {
        Path img = dir.resolve("torn.img");
        assertEquals(0, kv("runtime.list", "jit", img, true, "put", "colour", "blue").code());
        byte[] b = Files.readAllBytes(img);
        int header = -1;
        for (int at = 0; at < b.length; at += 4096) {
            if (b[at] == 'K' && b[at + 1] == 'V' && b[at + 2] == 'S' && b[at + 3] == '1' && b[at + 4] == 16) {
                assertEquals(-1, header, "one header block");
                header = at;
            }
        }
        assertTrue(header > 0, "the header is on the image");
        Arrays.fill(b, header, header + 8, (byte) 0);
        Files.write(img, b);
        Cli.Result r = kv("runtime.list", "jit", img, false, "get", "colour");
        assertEquals("kvfile: new store of 16 buckets\nnot found\n", r.out());
        assertEquals(1, r.code());
        Cli.Result list = kv("runtime.list", "jit", img, false, "list");
        assertEquals("0 keys in 16 buckets\n", list.out(), "the buckets were made again, empty");
    }

    @Test
    void badUsageExitsFive() {
        Path img = dir.resolve("u.img");
        String[][] bad = {{}, {"frob"}, {"put", "k"}, {"get"}, {"bench", "0"}, {"put", "sixteen-bytes-xx", "v"},
                {"put", "k", "012345678901234567890123456789012345678901234567"}};
        for (String[] args : bad) {
            Cli.Result r = kv("runtime.list", "interp", img, !Files.exists(img), args);
            assertEquals(5, r.code(), String.join(" ", args) + ": " + r.out());
            assertTrue(r.out().startsWith("usage: kvfile put KEY VALUE | get KEY | del KEY | list | bench N"), r.out());
        }
        assertEquals("kvfile: new store of 16 buckets\nnot found\n", kv("runtime.list", "interp", img, false, "get", "k").out(),
                "no usage error got as far as making the store");
    }
}
