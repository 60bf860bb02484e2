package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.baseline.Fsck;
import exo.benchmark.FsBench;
import exo.benchmark.GuestBench;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The baseline kernel's file system through guest programs written against fs.inc (test
 * resources mono/fscalls.s and mono/fsfork.s): every call and every error, wild pointers,
 * persistence across runs on one image, two processes sleeping on the disk in turn, the same
 * output, cycles and image under both engines; images of the other kernel, damaged or truncated
 * refused with one line and exit 65; the consistency check, from Java and from the guest; and
 * the file-system rows of exo bench.
 */
class MonoFsTest {
    static final String FIRST = """
            mount 0
            mono
            open 3
            write 5000
            seek 0
            read 5000
            byte4999 135
            eof 0
            write-past-end 1
            hole-byte 0
            seek-negative -22
            seek-whence -22
            size 100001
            blocks 3
            close 0
            close-again -9
            open-missing -2
            open-excl -17
            mkdir 0
            mkdir-again -17
            open-dir-write -21
            open-under-file -20
            unlink-full-dir -39
            rename-into-self -22
            rename 0
            open-old-name -2
            open-dot -22
            open-long-name -36
            open-bad-flags -22
            entry a type 1 size 100001
            entry d type 2 size 1
            write-rdonly -9
            read-dir -21
            readdir-file -20
            wild-path -14
            wild-stat -14
            wild-read -14
            wild-dirent -14
            wild-mkdir -14
            wild-unlink -14
            wild-rename -14
            wild-write -14
            write-past-bss -14
            open-too-many -24
            opened 13
            rename-replace 0
            unlink 0
            rmdir 0
            fsync 0
            sync 0
            entry keep type 1 size 8
            check 0
            """;
    static final String AGAIN = """
            mount 0
            read 8
            persist
            entry keep type 1 size 8
            check 0
            """;

    @TempDir
    Path dir;

    static String resource(String name) {
        try {
            return Path.of(MonoFsTest.class.getResource("/mono/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Cli.Result mono(String engine, Path img, String create, String program, String... args) {
        java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of("run", "--kernel", "mono", "--stats", "--engine", engine, "--disk", img.toString()));
        if (create != null) a.addAll(java.util.List.of("--disk-create", create));
        a.add(resource(program));
        if (args.length > 0) {
            a.add("--");
            a.addAll(Arrays.asList(args));
        }
        return Cli.run(a.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void everyCallAndErrorThenWhatPersistsOnTheNextRun(String engine) {
        Path img = dir.resolve(engine + ".img");
        Cli.Result first = mono(engine, img, "1M", "fscalls.s");
        assertEquals(0, first.code(), first.err());
        assertEquals(FIRST, first.out());
        assertTrue(first.err().startsWith("exo run: " + img + ": a zero image; formatted with the baseline kernel's file system\n"), first.err());
        Cli.Result again = mono(engine, img, null, "fscalls.s", "again");
        assertEquals(0, again.code(), again.err());
        assertEquals(AGAIN, again.out());
        Fsck.Report r = Fsck.check(img);
        assertTrue(r.consistent(), r.problems().toString());
        assertEquals(0, r.leakedBlocks(), "a clean exit syncs everything, frees included");
        assertEquals(0, r.leakedInodes());
    }

    @Test
    void bothEnginesAgreeOnOutputCyclesAndTheImage() throws IOException {
        Path a = dir.resolve("a.img"), b = dir.resolve("b.img");
        for (String[] args : new String[][] {{}, {"again"}}) {
            String create = args.length == 0 ? "1M" : null;
            Cli.Result i = mono("interp", a, create, "fscalls.s", args);
            Cli.Result j = mono("jit", b, create, "fscalls.s", args);
            assertEquals(i.out(), j.out());
            assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j));
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");
    }

    @Test
    void withoutADiskEveryCallSaysSo() {
        Cli.Result r = Cli.run("run", "--kernel", "mono", resource("fscalls.s"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("mount -19\nmono\nopen -19\n"), r.out());
        assertTrue(r.out().contains("mkdir -19\n") && r.out().contains("sync -19\n") && r.out().endsWith("check -19\n"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void twoProcessesTakeTurnsWhileEachSleepsOnTheDisk(String engine) {
        Cli.Result r = mono(engine, dir.resolve("f.img"), "1M", "fsfork.s");
        assertEquals(0, r.code(), r.err() + r.out());
        Fsck.Report c = Fsck.check(dir.resolve("f.img"));
        assertTrue(c.consistent(), c.problems().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void aFullDiskAFullInodeTableAndAFileTooLarge(String engine) {
        Path img = dir.resolve(engine + ".img");
        Cli.Result r = mono(engine, img, "32K", "fsfull.s");
        assertEquals(0, r.code(), r.err());
        assertEquals("grow -28\nblocks 4\npast-1GiB -27\ncreate -28\nfiles 61\nunlink 0\nsync 0\nwrite-after-sync 8192\n", r.out(),
                "5 data blocks, the root directory's first; 64 inodes, 0 unused, 1 the root, one /big; /big's blocks and inode back after a sync");
        Fsck.Report c = Fsck.check(img);
        assertTrue(c.consistent(), c.problems().toString());
    }

    @Test
    void theOtherKernelsImagesAndDamagedOnesAreRefused() throws IOException {
        Path exo = dir.resolve("exo.img");
        assertEquals(0, Cli.run("run", "--disk", exo.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS).code());
        Cli.Result r = mono("interp", exo, null, "fscalls.s");
        assertEquals(65, r.code());
        assertEquals("exo run: " + exo + ": an exokernel image (EXODISK1), not the baseline kernel's file system; use --kernel exo\n", r.err());

        Path mono = dir.resolve("mono.img");
        assertEquals(0, mono("interp", mono, "1M", "fscalls.s").code());
        byte[] good = Files.readAllBytes(mono);
        r = Cli.run("run", "--disk", mono.toString(), DiskCommandTest.BLOCKS);
        assertEquals(65, r.code());
        assertEquals("exo run: " + mono + ": a baseline kernel's image (MONOFS01), not the exokernel's; use --kernel mono\n", r.err());

        byte[] bad = good.clone();
        bad[12] ^= 1;                                   // the block count, under the checksum
        Files.write(mono, bad);
        r = mono("interp", mono, null, "fscalls.s");
        assertEquals(65, r.code());
        assertEquals("exo run: " + mono + ": the superblock's checksum does not match (corrupt)\n", r.err());

        Files.write(mono, Arrays.copyOf(good, 64 * 1024));
        r = mono("interp", mono, null, "fscalls.s");
        assertEquals(65, r.code());
        assertEquals("exo run: " + mono + ": the superblock describes 256 blocks but the image holds 16 (truncated?)\n", r.err());

        Files.write(mono, Arrays.copyOf(good, good.length - 100));
        r = mono("interp", mono, null, "fscalls.s");
        assertEquals(65, r.code());
        assertTrue(r.err().contains("is not a disk image (truncated?)"), r.err());

        bad = good.clone();
        bad[0] = 'X';
        Files.write(mono, bad);
        r = mono("interp", mono, null, "fscalls.s");
        assertEquals(65, r.code());
        assertEquals("exo run: " + mono + ": block 0 holds no baseline file system (magic MONOFS01) and is not zero\n", r.err());

        Path small = dir.resolve("small.img");
        r = mono("interp", small, "16K", "fscalls.s");
        assertEquals(65, r.code());
        assertEquals("exo run: " + small + ": 4 blocks is too small for the baseline's file system (at least 8, 32K)\n", r.err());
        assertFalse(Files.exists(small), "a refused new image is not left behind");
        assertFalse(r.err().contains("Exception"));
    }

    @Test
    void aDamagedInodeIsRefusedAtBootAndAFreedBlockInUseIsFoundByBothChecks() throws IOException {
        Path img = dir.resolve("d.img");
        assertEquals(0, mono("interp", img, "1M", "fscalls.s").code());
        byte[] good = Files.readAllBytes(img);
        // Layout of a 256-block image: superblock, bitmap (block 1), inode table (blocks 2..2), data from 3.
        int keepIno = findInode(good, "keep");
        ByteBuffer in = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int inode = 2 * 4096 + keepIno * 64;
        int block = in.getInt(inode + 12);

        byte[] bad = good.clone();
        bad[4096 + block / 8] &= (byte) ~(1 << (block % 8));   // the bitmap says /keep's block is free
        Files.write(img, bad);
        Fsck.Report r = Fsck.check(img);
        assertEquals(java.util.List.of("inode " + keepIno + " uses block " + block + ", which the bitmap marks free"), r.problems());
        Cli.Result run = mono("interp", img, null, "fscalls.s", "again");
        assertTrue(run.out().contains("fsck: inode " + keepIno + " uses block " + block + ", which the bitmap marks free\ncheck 1\n"), run.out());

        bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(inode, 7);   // a type no inode has
        Files.write(img, bad);
        run = mono("interp", img, null, "fscalls.s", "again");
        assertEquals(65, run.code());
        assertEquals("exo run: " + img + ": inode " + keepIno + " has type 7 (corrupt)\n", run.err());

        bad = good.clone();
        ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(inode + 12, 1);   // a data pointer into the bitmap
        Files.write(img, bad);
        r = Fsck.check(img);
        assertTrue(r.problems().contains("inode " + keepIno + " points at block 1, outside the data area"), r.problems().toString());
    }

    /** The inode number the root directory gives name (its first data block is the root's first entry block). */
    private static int findInode(byte[] img, String name) {
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        int rootDir = b.getInt(2 * 4096 + 64 + 12);
        for (int off = rootDir * 4096; off < rootDir * 4096 + 4096; off += 32) {
            int ino = b.getInt(off);
            String n = new String(img, off + 4, name.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (ino != 0 && n.equals(name) && img[off + 4 + name.length()] == 0) return ino;
        }
        throw new AssertionError(name + " is not in the root directory");
    }

    @Test
    void theFileSystemRowsOfExoBenchAgreeUnderBothEngines() throws Exception {
        FsBench interp = new FsBench("interp"), jit = new FsBench("jit");
        for (FsBench.Workload w : FsBench.WORKLOADS) {
            for (FsBench.FileSystem fs : FsBench.FILE_SYSTEMS) {
                GuestBench.Measurement a = interp.run(fs, w, 1), b = jit.run(fs, w, 1);
                assertEquals(a.cycles(), b.cycles(), fs.name() + " " + w.name());
                assertEquals(a.ops(), b.ops());
                assertTrue(a.cyclesPerOp() > 100, fs.name() + " " + w.name() + ": " + a.cyclesPerOp());
            }
        }
    }
}
