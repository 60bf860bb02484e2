package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log-structured file system of the library OS (guest-runtime/src/libos/fs_log.s, linked by
 * runtime-lfs.list; docs/libos.md), driven by the test resource disk/lfsprobe.s one command a
 * run: files persist across runs, both engines agree on output, cycles and image bytes, the
 * cleaner lets a small disk take many times its size in writes (and keeps every file through
 * random rewrites, unlinks and renames), a full disk is FS_ENOSPC with
 * nothing lost, wild pointers are FS_EFAULT, a foreign root block is refused untouched, a
 * damaged capability is FS_EIO, a torn newest checkpoint falls back to the one before, fs_check
 * reports damage done to an image on purpose, and a host killed at random moments of a write
 * workload leaves a consistent file system holding every file synced before the kill.
 */
class LogFsTest {
    static final String RUNTIME = "runtime-lfs.list";
    static final int BLOCK = 4096;

    @TempDir
    Path dir;

    static String probe() {
        try {
            return Path.of(LogFsTest.class.getResource("/disk/lfsprobe.s").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** lfsprobe with these arguments on img (created with size first unless size is null). */
    static Cli.Result probe(String engine, Path img, String size, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--runtime", RUNTIME, "--disk", img.toString()));
        if (size != null) cmd.addAll(List.of("--disk-create", size));
        cmd.add(probe());
        cmd.add("--");
        cmd.addAll(List.of(args));
        return Cli.run(cmd.toArray(new String[0]));
    }

    static Cli.Result ok(Cli.Result r) {
        assertEquals(0, r.code(), r.out() + r.err());
        return r;
    }

    @Test
    void filesPersistAcrossRunsAndBothEnginesAgreeOnEverything() throws IOException {
        String[][] session = {{"put", "/a", "first file"}, {"put", "/b", "second file"}, {"put", "/a", "first, rewritten"},
            {"get", "/a"}, {"get", "/b"}, {"ls"}, {"check"}};
        List<String> outs = new ArrayList<>();
        for (String engine : List.of("interp", "jit")) {
            Path img = dir.resolve(engine + ".img");
            StringBuilder out = new StringBuilder();
            for (int n = 0; n < session.length; n++) {
                Cli.Result r = ok(probe(engine, img, n == 0 ? "16M" : null, session[n]));
                out.append(r.out()).append(DiskCommandTest.cycles(r)).append('\n');
            }
            outs.add(out.toString());
        }
        assertEquals(outs.get(0), outs.get(1), "output and cycles of every run");
        assertArrayEquals(Files.readAllBytes(dir.resolve("interp.img")), Files.readAllBytes(dir.resolve("jit.img")), "the same image, byte for byte");
        String out = outs.get(0);
        assertTrue(out.contains("first, rewritten\n") && out.contains("second file\n"), out);
        assertTrue(out.contains("a type 1 size 16\nb type 1 size 11\n"), out);
        assertTrue(out.contains("problems: 0\n"), out);
    }

    @Test
    void fstestLeavesTheSameImageUnderBothEngines() throws IOException {
        String fstest = GuestProgramsTest.PROGRAMS.resolve("fstest.s").toString();
        List<Long> cycles = new ArrayList<>();
        for (String engine : List.of("interp", "jit")) {
            Cli.Result r = Cli.run("run", "--stats", "--engine", engine, "--runtime", RUNTIME, "--disk", dir.resolve(engine + ".img").toString(),
                    "--disk-create", "16M", fstest);
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().endsWith("fs_check: 0\n") && !r.out().contains("FAIL"), r.out());
            cycles.add(DiskCommandTest.cycles(r));
        }
        assertEquals(cycles.get(0), cycles.get(1));
        assertArrayEquals(Files.readAllBytes(dir.resolve("interp.img")), Files.readAllBytes(dir.resolve("jit.img")));
        Cli.Result again = ok(probe("jit", dir.resolve("jit.img"), null, "ls"));
        assertTrue(again.out().contains("ap type 1 size 3\n") && again.out().contains("e type 2 size 2\n"), "what fstest left is there on the next run:\n" + again.out());
    }

    @Test
    void theCleanerLetsASmallDiskTakeManyTimesItsSizeInWrites() {
        Path img = dir.resolve("churn.img");
        // 1 MiB image: 15 segments of 16 blocks. 2 files of 120 KiB, interleaved, then one of
        // them rewritten 30 times: 3.6 MiB written; segments keep half their blocks live.
        Cli.Result r = ok(probe("jit", img, "1M", "churn", "120", "30"));
        Matcher m = Pattern.compile("churn: 30 rounds of 120 KiB; /keep 0, /churn 0; segments cleaned: (\\d+)\n").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Integer.parseInt(m.group(1)) > 0, "the cleaner ran: " + r.out());
        assertEquals("problems: 0\n", ok(probe("jit", img, null, "check")).out());
        Cli.Result i = ok(probe("interp", dir.resolve("churn-i.img"), "1M", "churn", "120", "30"));
        assertEquals(r.out(), i.out());
        assertEquals(DiskCommandTest.cycles(r), DiskCommandTest.cycles(i));
    }

    @Test
    void randomRewritesUnlinksAndRenamesKeepEveryFileAndTheCheckClean() {
        // 16 files of up to 16 KiB on a 1 MiB image, 600 operations: the cleaner runs among
        // many small files, each of its moves an inode, and fs_check runs every 100 operations.
        Cli.Result r = ok(probe("jit", dir.resolve("mix.img"), "1M", "mix", "600"));
        Matcher m = Pattern.compile("mix: 600 operations, \\d+ files, 0 problems, 0 bad files, (\\d+) segments cleaned\n").matcher(r.out());
        assertTrue(m.matches(), r.out());
        assertTrue(Integer.parseInt(m.group(1)) > 0, r.out());
        assertEquals("problems: 0\n", ok(probe("jit", dir.resolve("mix.img"), null, "check")).out());
    }

    @Test
    void aFullDiskIsEnospcWithNothingLostOrCorrupted() {
        Path img = dir.resolve("full.img");
        Cli.Result r = ok(probe("jit", img, "1M", "fill"));
        Matcher m = Pattern.compile("fill: (\\d+) KiB written, then -28\nfill: size (\\d+) KiB\nkeep: 0\nproblems: 0\nafter unlink: 0\n").matcher(r.out());
        assertTrue(m.matches(), r.out());
        assertEquals(m.group(1), m.group(2), "the write that did not fit wrote nothing");
        assertTrue(Integer.parseInt(m.group(1)) >= 192, "most of the disk was usable: " + r.out());
        assertEquals("problems: 0\n", ok(probe("jit", img, null, "check")).out());
    }

    @Test
    void pointersTheProgramMayNotUseAreEfault() {
        Cli.Result r = ok(probe("interp", dir.resolve("wild.img"), "1M", "wild"));
        assertEquals("""
                read into 0x10: -14
                read into unreserved memory: -14
                write from 0xdead0000: -14
                write from past the stack's top: -14
                open of a path at 0x20: -14
                stat into 0xfff00000: -14
                readdir into 0: -14
                rename from 0x30: -14
                unlink of a path at the stack's top: -2
                problems: 0
                """, r.out());
    }

    @Test
    void withoutADiskTheMountIsEnodev() {
        Cli.Result r = Cli.run("run", "--runtime", RUNTIME, probe(), "--", "ls");
        assertEquals(4, r.code());
        assertEquals("fs_mount: -19\n", r.out());
    }

    @Test
    void aForeignRootBlockIsRefusedAndNothingIsWritten() throws IOException {
        Path img = dir.resolve("kv.img");
        Cli.Result kv = Cli.run("run", "--disk", img.toString(), "--disk-create", "1M", GuestProgramsTest.PROGRAMS.resolve("kvstore.s").toString(), "--", "put", "k", "v");
        assertEquals(0, kv.code(), kv.err());
        byte[] before = Files.readAllBytes(img);
        Cli.Result r = probe("jit", img, null, "put", "/x", "y");
        assertEquals(4, r.code());
        assertEquals("fs_mount: -79\n", r.out());
        byte[] after = Files.readAllBytes(img);
        Lfs lfs = new Lfs(before);
        assertArrayEquals(Arrays.copyOfRange(before, lfs.root * BLOCK, before.length), Arrays.copyOfRange(after, lfs.root * BLOCK, after.length),
                "no block written (the kernel's table changes only its boot count)");
    }

    @Test
    void aDamagedCapabilityIsEioNeverAWrongAnswer() throws IOException {
        Path img = dir.resolve("cap.img");
        ok(probe("jit", img, "1M", "put", "/a", "contents of a"));
        Lfs lfs = new Lfs(Files.readAllBytes(img));
        int data = lfs.direct(lfs.inode(2), 0);
        lfs.damageCapability(data);
        lfs.write(img);
        Cli.Result r = probe("jit", img, null, "get", "/a");
        assertEquals(1, r.code());
        assertEquals("fs_read: -5\n", r.out());
        lfs.damageCapability(lfs.imapAddress());
        lfs.write(img);
        r = probe("jit", img, null, "ls");
        assertEquals(4, r.code());
        assertEquals("fs_mount: -5\n", r.out());
    }

    @Test
    void aTornNewestCheckpointFallsBackToTheOneBefore() throws IOException {
        Path img = dir.resolve("torn.img");
        ok(probe("jit", img, "1M", "put", "/a", "one"));
        ok(probe("jit", img, null, "put", "/a", "two"));
        Lfs lfs = new Lfs(Files.readAllBytes(img));
        lfs.tearNewestCheckpoint();
        lfs.write(img);
        assertEquals("one\n", ok(probe("jit", img, null, "get", "/a")).out());
        assertEquals("problems: 0\n", ok(probe("jit", img, null, "check")).out());
    }

    @Test
    void fsCheckReportsAnImageDamagedOnPurpose() throws IOException {
        Path img = dir.resolve("bad.img");
        ok(probe("jit", img, "1M", "put", "/a", "contents of a"));
        ok(probe("jit", img, null, "put", "/b", "contents of b"));
        byte[] good = Files.readAllBytes(img);
        // b's data block pointer made a's: one block referenced twice, b's own block lost.
        Lfs lfs = new Lfs(good);
        int a = lfs.inode(2), b = lfs.inode(3);
        int aData = lfs.direct(a, 0), bData = lfs.direct(b, 0);
        lfs.setDirect(b, 0, aData);
        lfs.write(img);
        Cli.Result r = probe("jit", img, null, "check");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("fs_check: block " + aData + " referenced again (inode 3)\n"), r.out());
        assertTrue(r.out().contains("fs_check: segment " + (bData / 16) + ": "), r.out());
        // A directory entry naming a free inode.
        lfs = new Lfs(good);
        lfs.setDirEntryInode(lfs.direct(lfs.inode(1), 0), 1, 77);
        lfs.write(img);
        r = probe("jit", img, null, "check");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("fs_check: directory 1: entry b names free inode 77\n"), r.out());
        assertTrue(r.out().contains("fs_check: inode 3 is named by 0 directory entries\n"), r.out());
        // A size beyond the file's blocks, and a count of blocks that is wrong.
        lfs = new Lfs(good);
        lfs.setInodeWord(a, 12, 5);
        lfs.write(img);
        r = probe("jit", img, null, "check");
        assertTrue(r.out().contains("fs_check: inode 2 counts 5 blocks, has 1\n"), r.out());
        Files.write(img, good);
        assertEquals("problems: 0\n", ok(probe("jit", img, null, "check")).out());
    }

    /**
     * The host process killed (SIGKILL) at random moments while it rewrites four files and
     * syncs after each: every image passes fs_check, and each file holds, whole, the version
     * last synced before the kill or a later one.
     */
    @Test
    void killedAtAnyMomentTheFileSystemIsConsistentAndKeepsWhatWasSynced() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(16);
        for (int trial = 0; trial < 4; trial++) {
            Path img = dir.resolve("crash" + trial + ".img");
            Process p = new ProcessBuilder(List.of(java, "-Xss16m", "-cp", System.getProperty("java.class.path"), "exo.cli.Main",
                    "run", "--runtime", RUNTIME, "--disk", img.toString(), "--disk-create", "1M", probe(), "--", "crashwork"))
                    .redirectErrorStream(true).start();
            int[] synced = {-1, -1, -1, -1};
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = CompletableFuture.supplyAsync(() -> line(out)).get(120, TimeUnit.SECONDS);
                assertEquals("started", first, "the workload started");
                long deadline = System.nanoTime() + rnd.nextLong(1, 1500) * 1_000_000L;
                CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                    for (String l; (l = line(out)) != null; ) {
                        String[] w = l.split(" ");
                        if (w.length == 3 && w[0].equals("synced")) synced[Integer.parseInt(w[1])] = Integer.parseInt(w[2]);
                    }
                });
                Thread.sleep(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
                p.destroyForcibly();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                reader.get(60, TimeUnit.SECONDS);
            } finally {
                p.destroyForcibly();
            }
            Cli.Result v = ok(probe("jit", img, null, "crashverify"));
            String[] lines = v.out().split("\n");
            assertEquals("problems: 0", lines[0], v.out());
            for (int k = 0; k < 4; k++) {
                String l = lines[1 + k];
                if (synced[k] < 0) {
                    assertTrue(l.equals("c" + k + " none") || l.matches("c" + k + " \\d+ ok"), l);
                } else {
                    Matcher m = Pattern.compile("c" + k + " (\\d+) ok").matcher(l);
                    assertTrue(m.matches(), "file " + k + " synced at version " + synced[k] + ": " + l);
                    assertTrue(Integer.parseInt(m.group(1)) >= synced[k], "file " + k + " synced at version " + synced[k] + ": " + l);
                }
            }
        }
    }

    static String line(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** The file system's structures in an image, as fs_log.s lays them out (docs/libos.md). */
    static final class Lfs {
        final byte[] img;
        final ByteBuffer b;
        final int root, ncap;
        final int[] capBlocks;

        Lfs(byte[] img) {
            this.img = img.clone();
            this.b = ByteBuffer.wrap(this.img).order(ByteOrder.LITTLE_ENDIAN);
            int blocks = img.length / BLOCK;
            int m = (48 + 20 * blocks + BLOCK - 1) / BLOCK;
            root = 2 * m;
            ncap = b.getInt(root * BLOCK + 12);
            capBlocks = new int[ncap];
            for (int i = 0; i < ncap; i++) capBlocks[i] = b.getInt(root * BLOCK + 16 + 16 * i);
        }

        /** Where the capability-table entry of file-system block a is, in bytes. */
        int capEntry(int a) {
            return capBlocks[a / 256] * BLOCK + (a % 256) * 16;
        }

        /** The disk block of file-system block a, in bytes. */
        int at(int a) {
            return b.getInt(capEntry(a)) * BLOCK;
        }

        int newestCheckpoint() {
            int c0 = root * BLOCK + 512, c1 = root * BLOCK + 2304;
            return Integer.compareUnsigned(b.getInt(c0), b.getInt(c1)) > 0 ? c0 : c1;
        }

        int imapAddress() {
            return b.getInt(newestCheckpoint() + 8);
        }

        /** The address of inode ino. */
        int inode(int ino) {
            return b.getInt(at(imapAddress()) + 4 * ino);
        }

        int direct(int inode, int lbn) {
            return b.getInt(at(inode) + 64 + 4 * lbn);
        }

        void setDirect(int inode, int lbn, int addr) {
            b.putInt(at(inode) + 64 + 4 * lbn, addr);
        }

        void setInodeWord(int inode, int offset, int value) {
            b.putInt(at(inode) + offset, value);
        }

        void setDirEntryInode(int dirBlock, int slot, int ino) {
            b.putInt(at(dirBlock) + 32 * slot, ino);
        }

        void damageCapability(int a) {
            b.putInt(capEntry(a) + 4, b.getInt(capEntry(a) + 4) ^ 0x5a5a5a5a);
        }

        void tearNewestCheckpoint() {
            int cp = newestCheckpoint() + 64;
            b.putInt(cp, b.getInt(cp) + 1);
        }

        void write(Path p) throws IOException {
            Files.write(p, img);
        }
    }
}
