package exo.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * guest-programs/src/fshare.s: fs_ext over the shared buffer-cache server (runtime-shared.list,
 * docs/libos.md "Sharing a file system"). Two clients see each other's writes to one file with
 * no sync (its expect lines, which GuestProgramsTest checks under both engines and page tables);
 * here, what the run leaves on the image: the same bytes under both engines, and an image that
 * the private file system (runtime.list) then mounts, checks clean and reads — the shared file
 * with both clients' bytes and the sixteen files both created at once — so the one commit
 * carried every client's changes. The server's guards refuse a block named without its
 * capability and a lock taken or given back without the root's. And programs written for
 * fs.inc alone run unchanged on the shared build, which then starts a server of its own:
 * fstest.s's every call and error, fsstress.s's bad calls, a files.s session across runs.
 * fsharelog.s is fshare.s on the log-structured file system's shared build: the private log
 * build reads both clients' bytes from its image and checks it clean.
 */
class FsShareTest {
    static final String FSHARE = GuestProgramsTest.PROGRAMS.resolve("fshare.s").toString();
    static final String FILES = GuestProgramsTest.PROGRAMS.resolve("files.s").toString();
    static final String SHARED = "runtime-shared.list";

    @TempDir
    Path dir;

    @Test
    void theSharedFileIsOnTheImageAfterOneCommitAndTheImageIsConsistent() throws IOException {
        Path a = dir.resolve("interp.img"), b = dir.resolve("jit.img");
        Cli.Result i = KvFileTest.run(FSHARE, SHARED, "interp", a, true);
        Cli.Result j = KvFileTest.run(FSHARE, SHARED, "jit", b, true);
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(i.out(), j.out(), "output");
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");
        assertTrue(i.out().contains("\nrefused: a block without its capability -4, the lock without the root's -4, "
                + "an unlock by a non-holder -10\n"), i.out());

        Cli.Result cat = KvFileTest.run(FILES, "runtime.list", "jit", b, false, "cat", "/shared");
        assertEquals(0, cat.code(), cat.out() + cat.err());
        assertEquals("CHANGED by A. appended by A. appended by B.", cat.out(), "both clients' writes, durable");
        Cli.Result fsck = KvFileTest.run(FILES, "runtime.list", "jit", b, false, "fsck");
        assertEquals(0, fsck.code(), fsck.out());
        assertEquals("files: fsck: ext file system, 0 problems\n", fsck.out());
        Cli.Result ls = KvFileTest.run(FILES, "runtime.list", "jit", b, false, "ls", "/");
        assertEquals(0, ls.code(), ls.out());
        String[] lines = ls.out().split("\n");
        assertEquals(17, lines.length, ls.out());
        for (char c : new char[] {'a', 'b'})
            for (int n = 0; n < 8; n++) {
                String name = "" + c + n;
                assertTrue(ls.out().contains("\n" + name + " file 5000\n") || ls.out().startsWith(name + " file 5000\n"),
                        name + " created by one client while the other created its own: " + ls.out());
            }
    }

    static final String FSTEST = GuestProgramsTest.PROGRAMS.resolve("fstest.s").toString();
    static final String FSSTRESS = GuestProgramsTest.PROGRAMS.resolve("fsstress.s").toString();

    @Test
    void fstestRunsUnchangedOnTheSharedBuildThroughAServerOfItsOwn() {
        Cli.Result priv = KvFileTest.run(FSTEST, "runtime.list", "jit", dir.resolve("p.img"), true);
        Cli.Result shared = KvFileTest.run(FSTEST, SHARED, "jit", dir.resolve("s.img"), true);
        assertEquals(0, shared.code(), shared.out() + shared.err());
        assertEquals(priv.out(), shared.out(), "every call and error as the private build answers them");
        assertTrue(shared.out().endsWith("sync: ok\nfs_check: 0\n"), shared.out());
    }

    @Test
    void fsstressBadCallsAreAnsweredAsByThePrivateBuildUnderBothEngines() {
        Cli.Result priv = KvFileTest.run(FSSTRESS, "runtime.list", "jit", dir.resolve("p.img"), true, "bad");
        Cli.Result i = KvFileTest.run(FSSTRESS, SHARED, "interp", dir.resolve("i.img"), true, "bad");
        Cli.Result j = KvFileTest.run(FSSTRESS, SHARED, "jit", dir.resolve("j.img"), true, "bad");
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(priv.out(), i.out());
        assertEquals(i.out(), j.out());
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
    }

    @Test
    void aFilesSessionOnTheSharedBuildPersistsAcrossRuns() {
        Path img = dir.resolve("f.img");
        Cli.Result put = KvFileTest.run(FILES, SHARED, "jit", img, true, "put", "/notes", "kept", "by", "the", "server");
        assertEquals(0, put.code(), put.out() + put.err());
        Cli.Result cat = KvFileTest.run(FILES, SHARED, "jit", img, false, "cat", "/notes");
        assertEquals("kept by the server\n", cat.out());
        Cli.Result privCat = KvFileTest.run(FILES, "runtime.list", "jit", img, false, "cat", "/notes");
        assertEquals("kept by the server\n", privCat.out(), "the private build reads the shared build's image");
        Cli.Result fsck = KvFileTest.run(FILES, SHARED, "jit", img, false, "fsck");
        assertEquals("files: fsck: ext file system, 0 problems\n", fsck.out());
    }

    @Test
    void aForeignImageIsRefusedAndTheServerItStartedStopsWithTheProgram() {
        Path img = dir.resolve("kv.img");
        Cli.Result kv = KvFileTest.run(GuestProgramsTest.PROGRAMS.resolve("kvstore.s").toString(), "runtime.list", "jit", img, true,
                "put", "colour", "blue");
        assertEquals(0, kv.code(), kv.out() + kv.err());
        Cli.Result r = KvFileTest.run(FILES, SHARED, "jit", img, false, "ls", "/");
        assertEquals(4, r.code(), r.out() + r.err());
        assertEquals("files: cannot mount the disk: the disk holds another format\n", r.out());
    }

    @Test
    void aSharedBuildWithoutADiskSaysSo() {
        Cli.Result r = Cli.run("run", "--runtime", SHARED, FILES, "--", "ls", "/");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("files: no disk"), r.out());
    }

    static final String LOG_SHARED = "runtime-lfs-shared.list";
    static final String FSHARE_LOG = GuestProgramsTest.PROGRAMS.resolve("fsharelog.s").toString();

    @Test
    void onTheLogBothClientsBytesAreOnTheImageWhichThePrivateLogBuildChecksClean() throws IOException {
        Path a = dir.resolve("interp.img"), b = dir.resolve("jit.img");
        Cli.Result i = KvFileTest.run(FSHARE_LOG, LOG_SHARED, "interp", a, true);
        Cli.Result j = KvFileTest.run(FSHARE_LOG, LOG_SHARED, "jit", b, true);
        assertEquals(0, i.code(), i.out() + i.err());
        assertEquals(i.out(), j.out(), "output");
        assertEquals(DiskCommandTest.cycles(i), DiskCommandTest.cycles(j), "cycles");
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "the same image, byte for byte");
        assertTrue(i.out().contains("\nA 259: /shared holds 43 bytes: \"CHANGED by A. appended by A. appended by B.\"\n"), i.out());

        Cli.Result cat = KvFileTest.run(FILES, "runtime-lfs.list", "jit", b, false, "cat", "/shared");
        assertEquals(0, cat.code(), cat.out() + cat.err());
        assertEquals("CHANGED by A. appended by A. appended by B.", cat.out(), "both clients' writes, in the log");
        Cli.Result fsck = KvFileTest.run(FILES, "runtime-lfs.list", "jit", b, false, "fsck");
        assertEquals(0, fsck.code(), fsck.out());
        assertEquals("files: fsck: log file system, 0 problems\n", fsck.out());
        Cli.Result ls = KvFileTest.run(FILES, "runtime-lfs.list", "jit", b, false, "ls", "/");
        assertEquals(0, ls.code(), ls.out());
        assertEquals(17, ls.out().split("\n").length, ls.out());
        for (char c : new char[] {'a', 'b'})
            for (int n = 0; n < 8; n++) {
                String name = "" + c + n;
                assertTrue(ls.out().contains("\n" + name + " file 5000\n") || ls.out().startsWith(name + " file 5000\n"),
                        name + " created by one client while the other created its own: " + ls.out());
            }
    }

    @Test
    void fstestRunsUnchangedOnTheSharedLogBuild() {
        Cli.Result priv = KvFileTest.run(FSTEST, "runtime-lfs.list", "jit", dir.resolve("p.img"), true);
        Cli.Result shared = KvFileTest.run(FSTEST, LOG_SHARED, "jit", dir.resolve("s.img"), true);
        assertEquals(0, shared.code(), shared.out() + shared.err());
        assertEquals(priv.out(), shared.out(), "every call and error as the private log build answers them");
        assertTrue(shared.out().endsWith("sync: ok\nfs_check: 0\n"), shared.out());
    }

    @Test
    void aFilesSessionOnTheSharedLogBuildIsReadByThePrivateOne() {
        Path img = dir.resolve("l.img");
        Cli.Result put = KvFileTest.run(FILES, LOG_SHARED, "interp", img, true, "put", "/notes", "kept", "in", "the", "log");
        assertEquals(0, put.code(), put.out() + put.err());
        Cli.Result cat = KvFileTest.run(FILES, LOG_SHARED, "jit", img, false, "cat", "/notes");
        assertEquals("kept in the log\n", cat.out());
        Cli.Result privCat = KvFileTest.run(FILES, "runtime-lfs.list", "jit", img, false, "cat", "/notes");
        assertEquals("kept in the log\n", privCat.out(), "the private log build reads the shared build's image");
        Cli.Result fsck = KvFileTest.run(FILES, "runtime-lfs.list", "jit", img, false, "fsck");
        assertEquals(0, fsck.code(), fsck.out());
        assertTrue(fsck.out().endsWith(" 0 problems\n"), fsck.out());
    }
}
