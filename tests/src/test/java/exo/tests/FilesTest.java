package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library OS's file system through guest-programs/src/files.s (the user's tool) and
 * fsstress.s (the adversarial table, a full disk): sessions of several runs on one image under
 * both engines and every runtime list in {@link #RUNTIMES}, with the same output, cycles and
 * image bytes; a foreign root block refused without a block written; an image corrupted on
 * purpose (host-side) reported by fsck; a damaged capability an I/O error.
 */
class FilesTest {
    /** The runtime lists that link a library file system: each is run and must agree. */
    static final List<String> RUNTIMES = List.of("runtime.list", "runtime-linear.list");
    static final String FILES = GuestProgramsTest.PROGRAMS.resolve("files.s").toString();
    static final String FSSTRESS = GuestProgramsTest.PROGRAMS.resolve("fsstress.s").toString();
    static final int BLOCK = 4096;

    @TempDir
    Path dir;

    /** A program with arguments on image img (created first, of size, if size is not null). */
    static Cli.Result run(String program, String engine, String runtime, Path img, String size, String... args) {
        List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--runtime", runtime,
                "--disk", img.toString()));
        if (size != null) cmd.addAll(List.of("--disk-create", size));
        cmd.add(program);
        cmd.add("--");
        cmd.addAll(List.of(args));
        return Cli.run(cmd.toArray(new String[0]));
    }

    static Cli.Result files(Path img, String... args) {
        return run(FILES, "jit", RUNTIMES.get(0), img, null, args);
    }

    /** The image without the kernel's table, which every boot rewrites. */
    static byte[] blocks(Path img) throws IOException {
        byte[] all = Files.readAllBytes(img);
        return Arrays.copyOfRange(all, root(all.length / BLOCK) * BLOCK, all.length);
    }

    /** The root block of an image of n blocks (docs/disks.md: 2m, m = ceil((48 + 20 n) / 4096)). */
    static int root(int n) {
        return 2 * ((48 + 20 * n + BLOCK - 1) / BLOCK);
    }

    /**
     * The same session under each engine and runtime list, each on its own image: the same exit
     * statuses, output and image bytes, and under one runtime list the same cycles in both
     * engines. Returns the first one's results.
     */
    List<Cli.Result> everywhere(String program, String size, String[]... runs) throws IOException {
        List<List<Cli.Result>> all = new ArrayList<>();
        List<Path> images = new ArrayList<>();
        for (String runtime : RUNTIMES) {
            for (String engine : List.of("interp", "jit")) {
                Path img = dir.resolve(engine + "-" + runtime + ".img");
                images.add(img);
                List<Cli.Result> results = new ArrayList<>();
                for (int n = 0; n < runs.length; n++) results.add(run(program, engine, runtime, img, n == 0 ? size : null, runs[n]));
                all.add(results);
            }
        }
        for (int k = 1; k < all.size(); k++) {
            for (int n = 0; n < runs.length; n++) {
                Cli.Result a = all.get(0).get(n), b = all.get(k).get(n);
                String what = images.get(k).getFileName() + ": " + String.join(" ", runs[n]);
                assertEquals(a.code(), b.code(), what + ": exit status");
                assertEquals(a.out(), b.out(), what + ": output");
                Cli.Result sameRuntime = all.get(k - k % 2).get(n);     // the page tables differ in cycles
                assertEquals(DiskCommandTest.cycles(sameRuntime), DiskCommandTest.cycles(b), what + ": cycles");
            }
            assertArrayEquals(Files.readAllBytes(images.get(0)), Files.readAllBytes(images.get(k)), images.get(k) + ": the same image");
        }
        return all.get(0);
    }

    static String[] a(String... args) {
        return args;
    }

    @Test
    void aSessionOfRunsPersistsAndAgreesEverywhere() throws IOException {
        List<Cli.Result> r = everywhere(FILES, "4M",
                a("mkdir", "/notes"),
                a("put", "/notes/a", "hello", "there"),
                a("append", "/notes/a", "second", "line"),
                a("cat", "/notes/a"),
                a("cp", "/notes/a", "/b"),
                a("mv", "/b", "/notes/c"),
                a("ls", "/notes"),
                a("ls"),
                a("stat", "/notes/c"),
                a("stat", "/notes"),
                a("rm", "/notes"),
                a("rm", "/notes/a"),
                a("ls", "/notes"),
                a("cat", "/notes/a"),
                a("fsck"),
                a("df"));
        String[] expected = {
            "", "", "", "hello there\nsecond line\n", "", "",
            "a file 24\nc file 24\n", "notes dir 2\n",
            "/notes/c: file, 24 bytes, 1 blocks, inode 4\n", "/notes: directory, 2 entries, 1 blocks, inode 2\n",
            "files: /notes: directory not empty\n", "", "c file 24\n",
            "files: /notes/a: no such file or directory\n",
            "files: fsck: ext file system, 0 problems\n", "ext: 1011 blocks, 103 used, 908 free\n"};
        int[] codes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], r.get(i).out(), "run " + (i + 1));
            assertEquals(codes[i], r.get(i).code(), "run " + (i + 1) + " exit status");
        }
    }

    @Test
    void everyBadCallGetsItsErrorEverywhere() throws IOException {
        Cli.Result r = everywhere(FSSTRESS, "4M", a("bad")).get(0);
        assertEquals("fsstress bad: 42 cases, 0 failures\n", r.out());
        assertEquals(0, r.code());
    }

    @Test
    void aFullDiskLosesNothing() throws IOException {
        Cli.Result r = everywhere(FSSTRESS, "2M", a("fill")).get(0);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("stopped by -28 after"), r.out());
        assertTrue(r.out().contains("/keep reads 100 bytes, 0 differ"), r.out());
    }

    @Test
    void usageErrorsExit5AndTouchNothing() throws IOException {
        Path img = dir.resolve("u.img");
        assertEquals(0, run(FILES, "jit", RUNTIMES.get(0), img, "4M", "fsck").code());
        byte[] before = blocks(img);
        for (String[] bad : List.of(a(), a("bogus"), a("cat"), a("cat", "/a", "/b"), a("mv", "/a"), a("fsck", "x"), a("ls", "/", "/"))) {
            Cli.Result r = files(img, bad);
            assertEquals(5, r.code(), String.join(" ", bad));
            assertTrue(r.out().startsWith("usage: files ls [PATH]"), r.out());
        }
        assertArrayEquals(before, blocks(img));
        Cli.Result r = files(img, "mkdir", "/abcdefghijklmnopqrstuvwxyz01");
        assertEquals("files: /abcdefghijklmnopqrstuvwxyz01: file name too long\n", r.out());
        assertEquals(1, r.code());
        assertEquals(0, files(img, "put", "/f", "x").code());
        r = files(img, "cp", "/f", "/f");
        assertEquals("files: /f: invalid argument\n", r.out(), "a file is not copied onto itself");
        assertEquals("x\n", files(img, "cat", "/f").out());
        r = files(img, "cp", "/", "/g");
        assertEquals("files: /: is a directory\n", r.out());
        assertEquals(1, r.code());
        Cli.Result none = run(FILES, "jit", RUNTIMES.get(0), dir.resolve("n.img"), "4M");
        assertEquals(5, none.code(), "no command: usage, after the format");
    }

    @Test
    void aForeignRootBlockIsRefusedWithoutWriting() throws IOException {
        Path img = dir.resolve("kv.img");
        assertEquals(0, KvStoreTest.kv("jit", img, true, "put", "k", "v").code());
        byte[] before = blocks(img);
        Cli.Result r = files(img, "ls");
        assertEquals("files: cannot mount the disk: the disk holds another format\n", r.out());
        assertEquals(4, r.code());
        assertArrayEquals(before, blocks(img), "not a block written");
    }

    /** Superblock entry e's block (fs_ext.s: 12-byte entries from offset 64 of the root block). */
    static int entry(ByteBuffer img, int root, int e) {
        return img.getInt(root * BLOCK + 64 + 12 * e);
    }

    static ByteBuffer image(Path img) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(img)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void poke(Path img, long offset, int value) throws IOException {
        try (FileChannel c = FileChannel.open(img, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
            c.write(b, offset);
        }
    }

    /** An image with /x (one block of data); returns x's data block. */
    int imageWithX(Path img) throws IOException {
        assertEquals(0, run(FILES, "jit", RUNTIMES.get(0), img, "4M", "put", "/x", "some", "text").code());
        ByteBuffer b = image(img);
        int root = root(b.capacity() / BLOCK), k = b.getInt(root * BLOCK + 12), fb = b.getInt(root * BLOCK + 16);
        int inodes = entry(b, root, k + fb);
        // inode 2 (the first file) is at 2 * 128 in the first inode block; its first extent's
        // physical block at offset 32 + 4.
        return b.getInt(inodes * BLOCK + 2 * 128 + 36);
    }

    /** Zeroes the journal's header, so that a mount replays nothing (the commit's blocks are home). */
    static void retireJournal(Path img) throws IOException {
        ByteBuffer b = image(img);
        int root = root(b.capacity() / BLOCK), sb = root * BLOCK;
        int header = entry(b, root, b.getInt(sb + 12) + b.getInt(sb + 16) + b.getInt(sb + 20));
        poke(img, (long) header * BLOCK, 0);
    }

    @Test
    void fsckReportsAnImageCorruptedOnPurpose() throws IOException {
        Path img = dir.resolve("c.img");
        int data = imageWithX(img);
        retireJournal(img);                                     // else the mount would repair what follows
        ByteBuffer b = image(img);
        int root = root(b.capacity() / BLOCK), k = b.getInt(root * BLOCK + 12);
        int map = entry(b, root, k);
        int word = b.getInt(map * BLOCK + (data / 32) * 4);
        poke(img, (long) map * BLOCK + (data / 32) * 4, word & ~(1 << (data % 32)));
        Cli.Result r = files(img, "fsck");
        assertEquals("fs_check: block " + data + " is in use but free in the free map\n"
                + "files: fsck: ext file system, 1 problems\n", r.out());
        assertEquals(3, r.code());
        poke(img, (long) map * BLOCK + (data / 32) * 4, word);
        assertEquals(0, files(img, "fsck").code(), "repaired by hand");
        int inodes = entry(b, root, k + b.getInt(root * BLOCK + 16));
        poke(img, (long) inodes * BLOCK + 2 * 128, 0);        // /x's inode freed under its entry
        r = files(img, "fsck");
        assertEquals(3, r.code());
        assertTrue(r.out().contains("fs_check: directory 1: entry 'x' names inode 2, which is not in use\n"), r.out());
        assertTrue(r.out().contains("fs_check: block " + data + " is marked in use but nothing uses it\n"), r.out());
    }

    /**
     * A host killed after a commit's header was flushed but before its metadata reached home:
     * simulated by zeroing the homes of every block the journal holds. The next mount writes them
     * home from the journal; a journal whose copy fails its checksum (a commit torn before its
     * header, or a journal being overwritten) is not replayed.
     */
    @Test
    void aCommittedJournalIsReplayedAtMountAndATornOneIsNot() throws IOException {
        Path img = dir.resolve("j.img");
        imageWithX(img);
        ByteBuffer b = image(img);
        int root = root(b.capacity() / BLOCK), k = b.getInt(root * BLOCK + 12), fb = b.getInt(root * BLOCK + 16);
        int i = b.getInt(root * BLOCK + 20), header = entry(b, root, k + fb + i);
        assertEquals(0x314e524a, b.getInt(header * BLOCK), "a committed header");
        int n = b.getInt(header * BLOCK + 8);
        assertTrue(n >= 3, "the free map, the inode table and the root directory changed: " + n);
        for (int j = 0; j < n; j++) {
            int home = b.getInt(header * BLOCK + 16 + 8 * j);
            for (int w = 0; w < BLOCK; w += 4) poke(img, (long) home * BLOCK + w, 0);
        }
        assertEquals("some text\n", files(img, "cat", "/x").out(), "replayed from the journal");
        assertEquals(0, image(img).getInt(header * BLOCK + 8), "once home and durable, the journal is emptied");
        assertEquals("files: fsck: ext file system, 0 problems\n", files(img, "fsck").out());

        Path torn = dir.resolve("t.img");
        imageWithX(torn);
        b = image(torn);
        int copy = entry(b, root, k + fb + i + 1), home = b.getInt(header * BLOCK + 16);
        assertTrue(b.getInt(header * BLOCK + 8) > 0, "a committed header");
        poke(torn, (long) copy * BLOCK + 100, 0x12345678);     // the first copy no longer matches
        int word = b.getInt(home * BLOCK + 100) ^ 1;
        poke(torn, (long) home * BLOCK + 100, word);           // a mark in its home
        assertEquals(0, files(torn, "ls").code());
        assertEquals(word, image(torn).getInt(home * BLOCK + 100), "a torn journal is not written home");
    }

    /**
     * Only the first mount after a commit redoes it: replay empties the journal once the homes
     * are durable, so later mounts of an unchanged image cost the same, and less than that first.
     */
    @Test
    void aCommitIsRedoneByOneMountOnly() throws IOException {
        Path img = dir.resolve("r.img");
        imageWithX(img);
        long first = DiskCommandTest.cycles(files(img, "ls")), second = DiskCommandTest.cycles(files(img, "ls")),
                third = DiskCommandTest.cycles(files(img, "ls"));
        assertEquals(second, third, "nothing left to redo");
        assertTrue(first > second + 100_000, "the first mount redid the commit: " + first + " against " + second);
    }

    @Test
    void aDamagedCapabilityIsAnIoErrorNotWrongData() throws IOException {
        Path img = dir.resolve("d.img");
        int data = imageWithX(img);
        ByteBuffer b = image(img);
        int root = root(b.capacity() / BLOCK), caps = entry(b, root, data / 512);
        long at = (long) caps * BLOCK + 8L * (data % 512);
        poke(img, at, b.getInt((int) at) ^ 0x10);
        Cli.Result r = files(img, "cat", "/x");
        assertEquals("files: /x: I/O error\n", r.out());
        assertEquals(1, r.code());
    }
}
