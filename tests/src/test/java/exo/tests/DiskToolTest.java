package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exo disk create|check|ls|dump}: the layout and the table as a user sees them, images
 * damaged every way the kernel refuses (and one it survives) answered with exo run's exit codes,
 * inspection that never changes a byte, and every bad argument one line and 64.
 */
class DiskToolTest {
    @TempDir
    Path dir;

    private Path image(String name) throws IOException {
        Path p = dir.resolve(name);
        Cli.Result r = Cli.run("disk", "create", p.toString(), "64K");
        assertEquals(0, r.code(), r.err());
        return p;
    }

    /** An image blocks.s has run on once: block 3 allocated to environment 257, written, flushed. */
    private Path used(String name) throws IOException {
        Path p = image(name);
        Cli.Result r = Cli.run("run", "--disk", p.toString(), DiskCommandTest.BLOCKS);
        assertEquals(0, r.code(), r.err());
        return p;
    }

    @Test
    void createPrintsTheLayoutAndNeverOverwrites() throws IOException {
        Path p = dir.resolve("a.img");
        Cli.Result r = Cli.run("disk", "create", p.toString(), "64K");
        assertEquals(0, r.code(), r.err());
        assertEquals(p + ": 16 blocks of 4096 bytes; table copy A at block 0, copy B at block 1, root block 2, data blocks 3-15\n", r.out());
        assertEquals(65536, Files.size(p));
        byte[] before = Files.readAllBytes(p);
        Cli.Result again = Cli.run("disk", "create", p.toString(), "1M");
        assertEquals(73, again.code());
        assertEquals("exo disk create: " + p + ": already exists; not overwriting it\n", again.err());
        assertArrayEquals(before, Files.readAllBytes(p));
        Cli.Result big = Cli.run("disk", "create", dir.resolve("b.img").toString(), "16M");
        assertTrue(big.out().contains("4096 blocks of 4096 bytes; table copy A at blocks 0-20, copy B at blocks 21-41, root block 42, data blocks 43-4095"), big.out());
    }

    @Test
    void createRefusesBadSizesAndLeavesNothingBehind() {
        Path p = dir.resolve("small.img");
        Cli.Result tiny = Cli.run("disk", "create", p.toString(), "8K");
        assertEquals(65, tiny.code());
        assertTrue(tiny.err().startsWith("exo disk create: ") && tiny.err().contains("too small"), tiny.err());
        assertFalse(Files.exists(p), "a too-small image is removed again");
        for (String size : new String[] {"5000", "2G", "0", "-4K", "lots"}) {
            Cli.Result r = Cli.run("disk", "create", p.toString(), size);
            assertEquals(64, r.code(), size);
            assertTrue(r.err().startsWith("exo: ") && !r.err().contains("Exception"), r.err());
            assertFalse(Files.exists(p), size);
        }
        Cli.Result noDir = Cli.run("disk", "create", dir.resolve("no/such/dir.img").toString(), "64K");
        assertEquals(74, noDir.code(), noDir.err());
        assertEquals(1, noDir.err().lines().count(), noDir.err());
    }

    @Test
    void createIsWhatRunDiskCreateMakes() throws IOException {
        Path a = image("a.img");
        Path b = dir.resolve("b.img");
        Cli.Result r = Cli.run("run", "--disk", b.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS);
        assertEquals(0, r.code(), r.err());
        Cli.Result r2 = Cli.run("run", "--disk", a.toString(), DiskCommandTest.BLOCKS);
        assertEquals(r.out(), r2.out());
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a), "the same seed, the same image");
    }

    @Test
    void checkReportsBothCopiesTheOwnersAndAVerdict() throws IOException {
        Path p = used("u.img");
        Cli.Result r = Cli.run("disk", "check", p.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(7, lines.length, r.out());
        assertTrue(lines[1].matches("copy A \\(block 0\\): sequence \\d+, boot 1, checksum [0-9a-f]{8}, valid \\((current|older, .*)\\)"), lines[1]);
        assertTrue(lines[2].matches("copy B \\(block 1\\): sequence \\d+, boot 1, checksum [0-9a-f]{8}, valid \\((current|older, .*)\\)"), lines[2]);
        assertEquals("  kernel                   3  0-2", lines[3]);
        assertEquals("  free                    12  4-15", lines[4]);
        assertEquals("  environment 257          1  3", lines[5]);
        assertTrue(lines[6].matches(java.util.regex.Pattern.quote(p.toString()) + ": consistent: copy [AB] current, mounted 1 time, 12 of 13 data blocks free"), lines[5]);
    }

    @Test
    void inspectionNeverChangesTheImage() throws IOException {
        Path p = used("u.img");
        byte[] before = Files.readAllBytes(p);
        assertEquals(0, Cli.run("disk", "check", p.toString()).code());
        assertEquals(0, Cli.run("disk", "ls", p.toString()).code());
        assertEquals(0, Cli.run("disk", "dump", p.toString(), "0").code());
        assertArrayEquals(before, Files.readAllBytes(p));
        assertTrue(p.toFile().setWritable(false, false));
        try {
            if (!Files.isWritable(p)) assertEquals(0, Cli.run("disk", "check", p.toString()).code(), "a read-only image can be checked");
        } finally {
            p.toFile().setWritable(true, false);
        }
    }

    @Test
    void aTornCopyIsReportedAndTheImageStillMounts() throws IOException {
        Path p = used("u.img");
        // blk_flush stored the table into copy A (the older): a flush torn now leaves B damaged.
        flip(p, 4096 + 100);
        Cli.Result r = Cli.run("disk", "check", p.toString());
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("copy B (block 1): fails its checksum\n"), r.out());
        assertTrue(r.out().endsWith("copy A current, mounted 1 time, 12 of 13 data blocks free; copy B is damaged (a torn flush leaves this; the next boot rewrites it)\n"), r.out());
        assertEquals(0, Cli.run("run", "--disk", p.toString(), DiskCommandTest.BLOCKS).code(), "and exo run agrees");
        assertFalse(Cli.run("disk", "check", p.toString()).out().contains("damaged"), "the boot rewrote it");
    }

    @Test
    void aCorruptImageIsRefusedAsExoRunRefusesIt() throws IOException {
        Path p = used("u.img");
        flip(p, 100);
        flip(p, 4096 + 100);
        Cli.Result r = Cli.run("disk", "check", p.toString());
        assertEquals(65, r.code());
        assertTrue(r.out().contains("copy A (block 0): fails its checksum\ncopy B (block 1): fails its checksum\n"), r.out());
        assertTrue(r.out().endsWith(p + ": corrupt: neither copy of the block table is valid; exo run --disk refuses this image\n"), r.out());
        assertEquals(65, Cli.run("run", "--disk", p.toString(), DiskCommandTest.BLOCKS).code());
        Cli.Result ls = Cli.run("disk", "ls", p.toString());
        assertEquals(65, ls.code());
        assertEquals("exo disk ls: " + p + ": not a valid disk image: neither copy of the block table is valid (exo disk check says why)\n", ls.err());
        Cli.Result dump = Cli.run("disk", "dump", p.toString(), "3");
        assertEquals(0, dump.code(), "the raw bytes of a corrupt image can still be read");
        assertTrue(dump.out().startsWith(p + ": block 3 (data block, owner unknown: the table is not valid), bytes 12288-16383 of the file\n"), dump.out());
    }

    @Test
    void aCopyThatPassesItsChecksumButBreaksAnInvariantIsCorrupt() throws IOException {
        Path p = image("a.img");
        // Both copies: free block 5 keeps a capability, with the checksum made right again.
        for (int copy = 0; copy < 2; copy++) {
            rewrite(p, copy, t -> t.putLong(48 + 5 * 20 + 4, 0x1234L));
        }
        Cli.Result r = Cli.run("disk", "check", p.toString());
        assertEquals(65, r.code(), r.out());
        assertTrue(r.out().contains("copy A (block 0): keeps a capability for free block 5\n"), r.out());
        assertEquals(65, Cli.run("run", "--disk", p.toString(), DiskCommandTest.BLOCKS).code(), "the kernel refuses it too");
        Path q = image("b.img");
        for (int copy = 0; copy < 2; copy++) rewrite(q, copy, t -> t.putInt(48 + 7 * 20, -1));
        assertTrue(Cli.run("disk", "check", q.toString()).out().contains("gives data block 7 to owner -1, which is no environment"));
    }

    @Test
    void missingTruncatedAndDirectoryImages() throws IOException {
        Path missing = dir.resolve("none.img");
        for (String sub : new String[] {"check", "ls"}) {
            Cli.Result r = Cli.run("disk", sub, missing.toString());
            assertEquals(66, r.code());
            assertEquals("exo disk " + sub + ": " + missing + ": no such disk image\n", r.err());
        }
        assertEquals(66, Cli.run("disk", "dump", missing.toString(), "0").code());
        Path p = image("t.img");
        Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(p), 5000));
        Cli.Result t = Cli.run("disk", "check", p.toString());
        assertEquals(65, t.code());
        assertTrue(t.err().contains("5000 bytes is not a disk image (truncated?)"), t.err());
        Cli.Result d = Cli.run("disk", "ls", dir.toString());
        assertEquals(66, d.code());
        assertEquals("exo disk ls: " + dir + ": is a directory, not a disk image\n", d.err());
    }

    @Test
    void lsListsBlocksByOwner() throws IOException {
        Path p = used("u.img");
        Cli.Result r = Cli.run("disk", "ls", p.toString());
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches(java.util.regex.Pattern.quote(p.toString()) + ": 16 blocks, root block 2, 12 free; copy [AB] current \\(sequence \\d+, boot 1\\)"), lines[0]);
        assertEquals("owner               blocks  ranges", lines[1]);
        assertEquals("kernel                   3  0-2", lines[2]);
        assertEquals("free                    12  4-15", lines[3]);
        assertEquals("environment 257          1  3", lines[4]);
        assertEquals(5, lines.length);
    }

    @Test
    void dumpShowsABlockAsTheImageHoldsIt() throws IOException {
        Path p = used("u.img");
        Cli.Result r = Cli.run("disk", "dump", p.toString(), "3");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(p + ": block 3 (data block, environment 257), bytes 12288-16383 of the file", lines[0]);
        assertTrue(lines[1].startsWith("00000000  77 72 69 74 74 65 6e 20  62 79 20 74 68 65 20 66  |written by the f|"), lines[1]);
        assertEquals("*", lines[lines.length - 2], "the zeros after the text squeezed into one line");
        assertEquals("00001000", lines[lines.length - 1]);
        Cli.Result root = Cli.run("disk", "dump", p.toString(), "root");
        assertTrue(root.out().startsWith(p + ": block 2 (root block, kernel), bytes 8192-12287 of the file\n"), root.out());
        assertTrue(Cli.run("disk", "dump", p.toString(), "1").out().startsWith(p + ": block 1 (table copy B)"));
    }

    @Test
    void dumpRefusesBlocksThatAreNotThere() throws IOException {
        Path p = image("a.img");
        Cli.Result out = Cli.run("disk", "dump", p.toString(), "16");
        assertEquals(64, out.code());
        assertEquals("exo disk dump: " + p + ": block 16 is outside the image (blocks 0-15)\n", out.err());
        for (String bad : new String[] {"x", "3.5", "99999999999"}) {
            Cli.Result r = Cli.run("disk", "dump", p.toString(), bad);
            assertEquals(64, r.code(), bad);
            assertTrue(r.err().startsWith("exo: BLOCK: '" + bad + "' is not a block number or root"), r.err());
        }
        assertEquals(64, Cli.run("disk", "dump", p.toString()).code(), "no block named");
    }

    @Test
    void diskAloneOrWithAnUnknownSubcommandIsAUsageError() {
        Cli.Result alone = Cli.run("disk");
        assertEquals(64, alone.code());
        assertTrue(alone.err().startsWith("Usage: exo disk"), alone.err());
        for (String sub : new String[] {"create", "check", "ls", "dump"}) assertTrue(alone.err().contains(sub), sub);
        Cli.Result unknown = Cli.run("disk", "chek", "x.img");
        assertEquals(64, unknown.code());
        assertTrue(unknown.err().contains("check"), "a suggestion: " + unknown.err());
        assertEquals(0, Cli.run("disk", "check", "--help").code());
    }

    @Test
    void theMonitorShowsTheDiskAndNeverWritesTheImage() throws IOException {
        Path p = dir.resolve("m.img");
        Cli.Result r = Cli.withInput("break disk_wait\ncontinue\ninfo disk\ncatch disk\ncontinue\nstepi\ninfo disk\ntraps 1\nquit\n",
                "debug", "--disk", p.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS);
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("(exo) info disk\ndisk: 16 blocks, root block 2, 13 free; 0 written blocks not yet flushed, 1 flushes done; block quota 65536\n"
                + "requests in flight (1 queued of at most 64, served in order):\n"
                + "   tag  op      block   page   completes at cycle  for\n"
                + "     1  read        2     29                29150  env 257 (blocks.s)\n"
                + "blocks by owner:\n  kernel                   3  0-2\n  free                    13  3-15\n"), out);
        assertTrue(out.contains("no requests in flight\ncompletions waiting for blk_done, env 257 (blocks.s): tag 1 ok\n"), out);
        assertTrue(java.util.regex.Pattern.compile("        1064  disk       0x[0-9a-f]{8} -          env 257  kernel \\(resolved, resumed\\); "
                + "completed tag 1 \\(read block 2\\)\n").matcher(out).find(),
                "the trap log shows the interrupt (at disk_wait, wherever the library OS's layout puts it) and the request it completed: " + out);
        Cli.Result twice = Cli.withInput("continue\nrun\nquit\n", "debug", "--disk", p.toString(), DiskCommandTest.BLOCKS);
        assertEquals(0, twice.code(), twice.err());
        assertTrue(twice.out().contains("run 1: block 3 allocated, written and flushed"), twice.out());
        assertEquals(2, twice.out().split("env 257 \\(blocks.s\\) exited with status 0", -1).length - 1, "run boots again: " + twice.out());
        Cli.Result ls = Cli.run("disk", "ls", p.toString());
        assertTrue(ls.out().contains("free                    13  3-15"), "the monitor never wrote the image: " + ls.out());
        assertTrue(ls.out().contains("boot 0)"), ls.out());
    }

    @Test
    void theMonitorAsksForABlockBackAndSaysWhyNotWhenItCannot() throws IOException {
        Path p = dir.resolve("r.img");
        // blocks.s waits for its root-block write (its third request): block 3 is its own and idle then.
        Path json = dir.resolve("r.json");
        Cli.Result r = Cli.withInput("revoke-block 257 3\nbreak disk_wait\ncontinue\ncontinue\nrevoke-block 257 3\ncontinue\ntrace " + json + "\nrevoke-block 257 3\n"
                        + "revoke-block 258 3\nrevoke-block 257 2\nrevoke-block 257 16\nrevoke-block 257 4\nrevoke-block 257\nrevoke-block 257 3\n"
                        + "delete\ncontinue\nquit\n",
                "debug", "--disk", p.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS);
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        var now = java.util.regex.Pattern.compile("from cycle (\\d+);").matcher(out);
        assertTrue(now.find(), out);
        long deadline = Long.parseLong(now.group(1)) + 50_000;     // asked at the cycle the trace starts, 50,000 cycles to answer
        for (String line : List.of(
                "(exo) revoke-block 257 3\nerror: block 3 is not held by env 257 (blocks.s): it is free\n",
                "(exo) revoke-block 257 3\nerror: block 3 has a request in flight; ask when it completes\n",
                "(exo) revoke-block 257 3\nenv 257 (blocks.s): asked to give back disk block 3 by cycle " + deadline + "\n",
                "(exo) revoke-block 258 3\nerror: no environment 258 (see 'kernel envs')\n",
                "(exo) revoke-block 257 2\nerror: block 2 is not a data block (data blocks are 3-15)\n",
                "(exo) revoke-block 257 16\nerror: block 16 is not a data block (data blocks are 3-15)\n",
                "(exo) revoke-block 257 4\nerror: block 4 is not held by env 257 (blocks.s): it is free\n",
                "(exo) revoke-block 257\nerror: usage: revoke-block ENV BLOCK\n",
                "(exo) revoke-block 257 3\nerror: env 257 (blocks.s) is already asked for block 3 (one request at a time)\n",
                "env 257 (blocks.s): disk block 3 repossessed after the revocation deadline\n")) {
            assertTrue(out.contains(line), line + " in: " + out);
        }
        var events = TraceFormat.check(Files.readString(json));
        for (String step : List.of("block revocation: request", "block revocation: repossessed")) {
            assertEquals(1, events.stream().filter(e -> step.equals(e.get("name"))).count(), step + " in the trace");
        }
        assertEquals(0, events.stream().filter(e -> "exception".equals(e.get("cat"))).count(), "blocks.s has no handlers: neither event is forwarded");
        Cli.Result mono = Cli.withInput("revoke-block 1 3\nquit\n", "debug", "--kernel", "mono",
                Path.of("src", "test", "resources", "mono", "pingpong.s").toString());
        assertTrue(mono.out().contains("error: this kernel has no disk block revocation (the exokernel's: --kernel exo)"), mono.out() + mono.err());
        Cli.Result noDisk = Cli.withInput("revoke-block 257 3\nquit\n", "debug", DiskCommandTest.BLOCKS);
        assertTrue(noDisk.out().contains("error: no disk: start with --disk FILE"), noDisk.out());
    }

    @Test
    void infoDiskWithoutADiskSaysHowToAttachOne() {
        Cli.Result r = Cli.withInput("info disk\nquit\n", "debug", DiskCommandTest.BLOCKS);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("no disk: start the monitor with exo debug --disk FILE"), r.out());
        Cli.Result missing = Cli.withInput("quit\n", "debug", "--disk", dir.resolve("none.img").toString(), DiskCommandTest.BLOCKS);
        assertEquals(66, missing.code());
        assertEquals("exo debug: " + dir.resolve("none.img") + ": no such disk image\n", missing.err());
    }

    @Test
    void blockQuotaFromTheCommandLine() throws IOException {
        Path p = image("q.img");
        Cli.Result refused = Cli.run("run", "--disk", p.toString(), "--block-quota", "0", DiskCommandTest.BLOCKS);
        assertEquals(1, refused.code(), refused.err());
        assertEquals("blocks: disk error " + exo.kernel.error.KernelError.LIMIT.code + "\n", refused.out());
        assertTrue(Cli.run("disk", "ls", p.toString()).out().contains("free                    13  3-15"), "nothing was allocated");
        assertEquals(0, Cli.run("run", "--disk", p.toString(), "--block-quota", "1", DiskCommandTest.BLOCKS).code());
        Cli.Result negative = Cli.run("run", "--disk", p.toString(), "--block-quota", "-1", DiskCommandTest.BLOCKS);
        assertEquals(64, negative.code());
        assertTrue(negative.err().startsWith("exo: --block-quota must be 0 or more, not -1"), negative.err());
        Cli.Result noDisk = Cli.run("run", "--block-quota", "3", DiskCommandTest.BLOCKS);
        assertEquals(64, noDisk.code());
        assertTrue(noDisk.err().startsWith("exo: --block-quota needs --disk FILE"), noDisk.err());
    }

    private static void flip(Path p, long at) throws IOException {
        byte[] b = Files.readAllBytes(p);
        b[(int) at] ^= 1;
        Files.write(p, b);
    }

    /** Changes one copy of the table (of a 64 KiB image: one block each) and makes its checksum right again. */
    private static void rewrite(Path p, int copy, java.util.function.Consumer<ByteBuffer> change) throws IOException {
        byte[] b = Files.readAllBytes(p);
        ByteBuffer t = ByteBuffer.wrap(b, copy * 4096, 4096).slice().order(ByteOrder.LITTLE_ENDIAN);
        change.accept(t);
        t.putInt(40, 0);
        CRC32 crc = new CRC32();
        crc.update(b, copy * 4096, 4096);
        t.putInt(40, (int) crc.getValue());
        Files.write(p, b);
    }
}
