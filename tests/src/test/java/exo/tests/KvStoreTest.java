package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * guest-programs/src/kvstore.s, the key-value store that lays out its own records on disk
 * blocks (docs/disks.md): what one run puts a later run gets, under both engines with the same
 * output, cycles and image bytes; a deleted key is not found; a full bucket, a foreign root
 * block and bad usage each end with their documented exit status.
 */
class KvStoreTest {
    static final String KV = GuestProgramsTest.PROGRAMS.resolve("kvstore.s").toString();

    @TempDir
    Path dir;

    /** kvstore with these arguments on image img, created first if create. */
    static Cli.Result kv(String engine, Path img, boolean create, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--disk", img.toString()));
        if (create) cmd.addAll(List.of("--disk-create", "64K"));
        cmd.add(KV);
        cmd.add("--");
        cmd.addAll(List.of(args));
        return Cli.run(cmd.toArray(new String[0]));
    }

    /**
     * The root block and the data blocks of a 64 KiB image: all but the kernel's table, which
     * every boot rewrites with a higher boot count.
     */
    static byte[] blocks(Path img) throws IOException {
        byte[] all = Files.readAllBytes(img);
        return java.util.Arrays.copyOfRange(all, 2 * 4096, all.length);
    }

    /** The same session of runs under both engines, each on its own image; returns interp's results. */
    List<Cli.Result> bothEngines(String[]... runs) throws IOException {
        Path a = dir.resolve("interp.img"), b = dir.resolve("jit.img");
        List<Cli.Result> results = new ArrayList<>();
        for (int n = 0; n < runs.length; n++) {
            Cli.Result i = kv("interp", a, n == 0, runs[n]);
            Cli.Result j = kv("jit", b, n == 0, runs[n]);
            String what = String.join(" ", runs[n]);
            assertEquals(i.code(), j.code(), what + ": exit status");
            assertEquals(i.out(), j.out(), what + ": output");
            assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), what + ": cycles");
            results.add(i);
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");
        return results;
    }

    @Test
    void whatOneRunPutsALaterRunGets() throws IOException {
        List<Cli.Result> r = bothEngines(
                new String[] {"put", "colour", "blue"},
                new String[] {"put", "size", "forty two"},
                new String[] {"get", "colour"},
                new String[] {"put", "colour", "red"},
                new String[] {"get", "colour"},
                new String[] {"get", "size"},
                new String[] {"list"});
        assertEquals("kvstore: new store of 13 buckets\nstored colour in bucket 11, slot 58\n", r.get(0).out());
        assertEquals("stored size in bucket 12, slot 16\n", r.get(1).out());
        assertEquals("blue\n", r.get(2).out());
        assertEquals("stored colour in bucket 11, slot 58\n", r.get(3).out(), "the same record, overwritten");
        assertEquals("red\n", r.get(4).out());
        assertEquals("forty two\n", r.get(5).out());
        assertEquals("colour red\nsize forty two\n2 keys in 13 buckets\n", r.get(6).out());
        for (Cli.Result x : r) assertEquals(0, x.code(), x.err());
    }

    @Test
    void aDeletedKeyIsNotFound() throws IOException {
        List<Cli.Result> r = bothEngines(
                new String[] {"put", "colour", "blue"},
                new String[] {"del", "colour"},
                new String[] {"get", "colour"},
                new String[] {"del", "colour"},
                new String[] {"list"});
        assertEquals("deleted colour\n", r.get(1).out());
        assertEquals(0, r.get(1).code());
        assertEquals("not found\n", r.get(2).out());
        assertEquals(1, r.get(2).code());
        assertEquals("not found\n", r.get(3).out());
        assertEquals(1, r.get(3).code());
        assertEquals("0 keys in 13 buckets\n", r.get(4).out());
    }

    @Test
    void benchGivesTheSameFiguresUnderBothEnginesAndItsKeysPersist() throws IOException {
        List<Cli.Result> r = bothEngines(new String[] {"bench", "300"}, new String[] {"get", "k299"}, new String[] {"list"});
        assertEquals(0, r.get(0).code(), r.get(0).err());
        assertTrue(r.get(0).out().matches("kvstore: new store of 13 buckets\nbench: 300 puts, 300 gets, all found\n"
                + "cycles: \\d+ per put, \\d+ per get, \\d+ for the write-back and flush\n"), r.get(0).out());
        assertEquals("value of 299\n", r.get(1).out());
        assertTrue(r.get(2).out().endsWith("\n300 keys in 13 buckets\n"), r.get(2).out());
    }

    @Test
    void aFullBucketIsAClearErrorAndWritesNothing() throws IOException {
        Path img = dir.resolve("full.img");
        assertEquals(0, kv("jit", img, true, "put", "a", "1").code());
        byte[] before = blocks(img);
        Cli.Result r = kv("jit", img, false, "bench", "900");  // 13 buckets of 64 records hold 832
        assertEquals(3, r.code(), r.err());
        assertTrue(r.out().matches("kvstore: bucket \\d+ is full\n"), r.out());
        assertArrayEquals(before, blocks(img), "a failed command writes no block");
        assertEquals("1\n", kv("jit", img, false, "get", "a").out());
    }

    @Test
    void badUsageExitsFiveAndTouchesNoImage() throws IOException {
        Path img = dir.resolve("u.img");
        String[][] bad = {{}, {"frob"}, {"put", "k"}, {"put", "k", "v", "w"}, {"get"}, {"del", "a", "b"}, {"list", "x"},
                {"bench"}, {"bench", "0"}, {"put", "sixteen-bytes-xx", "v"},
                {"put", "k", "012345678901234567890123456789012345678901234567"}};
        for (String[] args : bad) {
            Cli.Result r = kv("interp", img, !Files.exists(img), args);
            assertEquals(5, r.code(), String.join(" ", args) + ": " + r.out());
            assertTrue(r.out().startsWith("usage: kvstore put KEY VALUE | get KEY | del KEY | list | bench N"), r.out());
        }
        assertEquals("kvstore: new store of 13 buckets\nnot found\n", kv("interp", img, false, "get", "k").out(),
                "no usage error got as far as formatting the store");
        Cli.Result longest = kv("interp", img, false, "put", "fifteen-bytes-x", "01234567890123456789012345678901234567890123456");
        assertEquals(0, longest.code(), longest.out());
        assertEquals("01234567890123456789012345678901234567890123456\n", kv("interp", img, false, "get", "fifteen-bytes-x").out());
    }

    @Test
    void aDamagedDirectoryIsADiskErrorNotAMissingKey() throws IOException {
        Path img = dir.resolve("d.img");
        assertEquals("kvstore: new store of 13 buckets\nstored colour in bucket 11, slot 58\n", kv("jit", img, true, "put", "colour", "blue").out());
        byte[] b = Files.readAllBytes(img);
        int root = 2 * 4096, entry = root + 16 + 12 * 11;
        b[entry + 4] ^= 1;                                    // bucket 11's capability
        Files.write(img, b);
        Cli.Result r = kv("jit", img, false, "get", "colour");
        assertEquals(4, r.code(), r.out());
        assertEquals("kvstore: disk error -4\n", r.out());
        b[entry + 4] ^= 1;
        b[root + 4] = 0;                                      // no buckets
        Files.write(img, b);
        r = kv("jit", img, false, "get", "colour");
        assertEquals(4, r.code(), r.out());
        assertEquals("kvstore: the directory names 0 buckets\n", r.out());
    }

    @Test
    void aRootBlockOfAnotherProgramIsRefused() throws IOException {
        Path img = dir.resolve("blocks.img");
        assertEquals(0, Cli.run("run", "--disk", img.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS).code());
        byte[] before = blocks(img);
        Cli.Result r = kv("jit", img, false, "list");
        assertEquals(4, r.code());
        assertEquals("kvstore: the root block belongs to another program (magic 534b4c42)\n", r.out());
        assertArrayEquals(before, blocks(img));
    }
}
