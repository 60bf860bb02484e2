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
 * Programs the host boots separately find the file-system server through the name service the
 * first one's library OS keeps (libos/ns.s; docs/disks.md, "Separately booted programs"):
 * fsserve.s names its buffer-cache server "fs", two fsclient.s booted beside it look it up,
 * mount the file system through it and see each other's writes to one file with no sync, under
 * both engines in the same cycles, leaving the same image, which the private build then reads
 * and checks clean. The error paths: no name service, a first program that exits before it
 * answers or never serves names, and a peer that tries to squat the server's name, asks for
 * names that are not there and, from a child the host did not boot, for the root block without
 * its capability; and the table itself (tests/src/test/resources/libos/nstable.s): each name
 * bound once, a full table, and only the first program serving or binding names for others.
 */
class FsPeersTest {
    static final String SHARED = "runtime-shared.list";

    @TempDir
    Path dir;

    static String program(String name) {
        return GuestProgramsTest.PROGRAMS.resolve(name).toString();
    }

    /** exo run --stats with the shared runtime: the programs, with a disk img (created if asked) unless img is null. */
    static Cli.Result run(String engine, Path img, boolean create, String... programs) {
        List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--runtime", SHARED));
        if (img != null) cmd.addAll(List.of("--disk", img.toString()));
        if (create) cmd.addAll(List.of("--disk-create", "16M"));
        for (String p : programs) cmd.add(program(p));
        return Cli.run(cmd.toArray(new String[0]));
    }

    static final String PEERS = """
            [fsserve.s] fsserve 257: server 260 is "fs" in the name service; the file system on root block 42
            [fsclient.s] A 258: "fs" is 260 (name service 257); /peers written: 13 bytes, no sync
            [fsclient.s#2] B 259: "fs" is 260 (name service 257), "writer" is 258; /peers holds 13 bytes: "written by A."
            [fsclient.s#2] B 259: /peers appended to 28 bytes, no sync
            [fsclient.s] A 258: /peers holds 28 bytes: "written by A. appended by B."
            [fsserve.s] fsserve 257: the other programs have exited; /peers holds 28 bytes: "written by A. appended by B."
            [fsserve.s] fsserve 257: commit 0; fs_check 0; server exited with status 0
            """;

    @Test
    void twoSeparatelyBootedClientsShareAFileThroughTheServerTheyLookedUp() throws IOException {
        Path a = dir.resolve("interp.img"), b = dir.resolve("jit.img");
        Cli.Result i = run("interp", a, true, "fsserve.s", "fsclient.s", "fsclient.s");
        Cli.Result j = run("jit", b, true, "fsserve.s", "fsclient.s", "fsclient.s");
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(PEERS, i.out());
        assertEquals(i.out(), j.out(), "output");
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");

        Cli.Result cat = KvFileTest.run(program("files.s"), "runtime.list", "jit", b, false, "cat", "/peers");
        assertEquals(0, cat.code(), cat.out() + cat.err());
        assertEquals("written by A. appended by B.", cat.out(), "both clients' bytes, durable, read by the private build");
        Cli.Result fsck = KvFileTest.run(program("files.s"), "runtime.list", "jit", b, false, "fsck");
        assertEquals("files: fsck: ext file system, 0 problems\n", fsck.out());
    }

    @Test
    void aServerAloneServesNobodyAndStopsWhenItFindsNoOtherProgram() {
        Cli.Result r = run("jit", dir.resolve("alone.img"), true, "fsserve.s");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals("""
                fsserve 257: server 258 is "fs" in the name service; the file system on root block 42
                fsserve 257: the other programs have exited; /peers: none
                fsserve 257: commit 0; fs_check 0; server exited with status 0
                """, r.out());
    }

    @Test
    void aClientBootedFirstFindsNoServerInItsOwnNameService() {
        Cli.Result r = run("jit", null, false, "fsclient.s");
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("fsclient 257: no file-system server: nothing is named \"fs\" "
                + "(this program was booted first, so the name service is its own)\n", r.out());
    }

    @Test
    void aServerThatExitsBeforeAnsweringLeavesItsClientsAClearError() {
        for (String engine : List.of("interp", "jit")) {
            Cli.Result r = run(engine, null, false, "fsserve.s", "fsclient.s", "fsclient.s");
            assertEquals(2, r.code(), "the server's status, the first non-zero: " + r.err());
            assertEquals("""
                    [fsserve.s] fsserve: no disk; run with --disk IMAGE (and --disk-create 16M the first time)
                    [fsclient.s] fsclient 258: no file-system server: the name service (environment 257, booted first) has exited (-5)
                    [fsclient.s#2] fsclient 259: no file-system server: the name service (environment 257, booted first) has exited (-5)
                    """, r.out());
            assertTrue(r.err().contains("exo run: [fsclient.s#2] exited with status 3"), r.err());
        }
    }

    @Test
    void aServerBootedAfterAnotherProgramStartsNothingAndSaysSo() {
        Cli.Result r = run("jit", dir.resolve("o.img"), true, "fsclient.s", "fsserve.s", "fsclient.s");
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("""
                [fsclient.s] fsclient 257: no file-system server: nothing is named "fs" (this program was booted first, so the name service is its own)
                [fsserve.s] fsserve 258: environment 257 was booted first and keeps the name service: boot fsserve.s first
                [fsclient.s#2] fsclient 259: no file-system server: the name service (environment 257, booted first) has exited (-5)
                """, r.out());
        assertTrue(r.err().contains("exo run: [fsserve.s] exited with status 3"), r.err());
    }

    @Test
    void aFirstProgramThatServesNoNamesIsAskedBoundedlyThenReported() {
        Cli.Result r = Cli.run("run", "--runtime", SHARED, program("sieve.s"), program("fsclient.s"), "--", "3000000");
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("""
                [fsclient.s] fsclient 258: no file-system server: environment 257, booted first, takes no requests for names (-14)
                [sieve.s] primes<=3000000: 216816
                """, r.out());
    }

    @Test
    void aSquatterCannotTakeTheServersNameNorReachABlockWithoutItsCapability() {
        String expected = """
                [fsserve.s] fsserve 257: server 259 is "fs" in the name service; the file system on root block 42
                [nspeer.s] nspeer 258: register "fs" -9, "squat" 0, then "again" -11
                [nspeer.s] nspeer 258: lookup "squat" 258, "nosuch" -13, "much-too-long" -2
                [nspeer.s] nspeer 258: a lookup costs 681 cycles (100 of them, one after another)
                [nspeer.s.child] nspeer's child 260: blk_root -10; "fs" is 259, which refuses the root block with a guessed capability: -4
                [nspeer.s] nspeer 258: child exited with status 0
                [fsserve.s] fsserve 257: the other programs have exited; /peers: none
                [fsserve.s] fsserve 257: commit 0; fs_check 0; server exited with status 0
                """;
        Cli.Result i = run("interp", dir.resolve("i.img"), true, "fsserve.s", "nspeer.s");
        Cli.Result j = run("jit", dir.resolve("j.img"), true, "fsserve.s", "nspeer.s");
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(expected, i.out());
        assertEquals(i.out(), j.out());
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
    }

    @Test
    void theTableBindsEachNameOnceRefusesWhenFullAndOnlyTheFirstServes() throws Exception {
        String nstable = Path.of(FsPeersTest.class.getResource("/libos/nstable.s").toURI()).toString();
        String expected = """
                [nstable.s] first 257: set "" -2, 15 names 0, na again -9; register "me" 0; set one more -18; lookup nh 1007, "me" 257
                [nstable.s#2] second 258: serve -10, set -10; lookup no 1014, "me" 257; register -18
                [nstable.s] first 257: served until the other exited: 0
                """;
        Cli.Result i = Cli.run("run", "--stats", "--engine", "interp", nstable, nstable);
        Cli.Result j = Cli.run("run", "--stats", "--engine", "jit", nstable, nstable);
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(expected, i.out());
        assertEquals(i.out(), j.out());
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
    }

    @Test
    void aNameServiceWithoutTheNameIsReportedAsSuch() throws Exception {
        String nstable = Path.of(FsPeersTest.class.getResource("/libos/nstable.s").toURI()).toString();
        Cli.Result r = Cli.run("run", "--runtime", SHARED, nstable, program("fsclient.s"));
        assertEquals(3, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("[fsclient.s] fsclient 258: no file-system server: nothing is named \"fs\" in the name service\n"), r.out());
        assertTrue(r.out().endsWith("[nstable.s] first 257: served until the other exited: 0\n"), r.out());
    }

    @Test
    void everyBootedProgramFindsTheSameFirstEnvironmentInItsBootRecord() {
        // Each reads the first id from the boot record at the bottom of its stack (ns_first): the
        // first knows it is the first; the others ask it, and find it has exited (E_BADENV -5)
        // once it has; a name too long is refused before anyone is asked (E_INVAL -2).
        Cli.Result r = run("jit", null, false, "nspeer.s", "nspeer.s", "fsclient.s");
        assertEquals(3, r.code(), r.out() + r.err());
        assertEquals("""
                [nspeer.s] nspeer 257: booted first: the name service is this program's own; boot it after fsserve.s
                [nspeer.s#2] nspeer 258: register "fs" -5, "squat" -5, then "again" -5
                [nspeer.s#2] nspeer 258: lookup "squat" -5, "nosuch" -5, "much-too-long" -2
                [nspeer.s#2] nspeer 258: error -5
                [fsclient.s] fsclient 259: no file-system server: the name service (environment 257, booted first) has exited (-5)
                """, r.out());
    }
}
