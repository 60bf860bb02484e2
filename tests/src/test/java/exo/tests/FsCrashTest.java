package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host process killed (SIGKILL) at random moments of fsstress.s's churn workload (each round
 * a new version of one of 8 files written to /t and renamed over /dJ/fK; every third round a
 * sync, then "synced K I"), under each runtime list of {@link FilesTest#RUNTIMES}: afterwards
 * the file system's check finds nothing, every file synced before the kill reads back whole
 * (a version at least as new as the last one synced, with exactly that version's bytes), and
 * no file holds a torn or mixed version.
 */
class FsCrashTest {
    @TempDir
    Path dir;

    /** Version i of file k, as fsstress.s writes it. */
    static String version(int k, int i) {
        StringBuilder s = new StringBuilder(k + " " + i + "\n");
        int len = i * 7919 % 20000 + 16;
        for (int j = s.length(); j < len; j++) s.append((char) ('a' + (i + j) % 26));
        return s.toString();
    }

    @Test
    void killedAtAnyMomentTheFileSystemIsConsistentAndSyncedFilesAreWhole() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(16);
        int trial = 0;
        for (String runtime : FilesTest.RUNTIMES) {
            for (int t = 0; t < 3; t++, trial++) {
                Path img = dir.resolve("crash" + trial + ".img");
                Process p = new ProcessBuilder(List.of(java, "-Xss16m", "-cp", System.getProperty("java.class.path"), "exo.cli.Main",
                        "run", "--runtime", runtime, "--disk", img.toString(), "--disk-create", "4M", FilesTest.FSSTRESS, "--", "churn"))
                        .redirectErrorStream(true).start();
                List<String> lines = Collections.synchronizedList(new ArrayList<>());
                CountDownLatch started = new CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String l; (l = out.readLine()) != null; ) {
                            lines.add(l);
                            if (l.equals("churning")) started.countDown();
                        }
                    } catch (IOException e) {
                        lines.add(e.toString());
                    }
                });
                reader.start();
                try {
                    assertTrue(started.await(120, TimeUnit.SECONDS), "the workload started: " + lines);
                    Thread.sleep(rnd.nextInt(1, 1500));
                } finally {
                    p.destroyForcibly();
                    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                    reader.join(60_000);
                }
                Map<Integer, Integer> synced = new HashMap<>();
                for (String l : List.copyOf(lines)) {
                    if (!l.startsWith("synced ")) continue;
                    String[] f = l.split(" ");
                    synced.merge(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Math::max);
                }
                String what = runtime + ", trial " + trial + " (" + synced + ")";
                Cli.Result fsck = FilesTest.files(img, "fsck");
                assertEquals("files: fsck: ext file system, 0 problems\n", fsck.out(), what);
                assertEquals(0, fsck.code(), what);
                for (int k = 0; k < 8; k++) {
                    Cli.Result cat = FilesTest.files(img, "cat", "/d" + (k & 1) + "/f" + k);
                    if (cat.code() != 0) {
                        assertTrue(!synced.containsKey(k), what + ": file " + k + " was synced: " + cat.out());
                        assertEquals("files: /d" + (k & 1) + "/f" + k + ": no such file or directory\n", cat.out(), what);
                        continue;
                    }
                    String[] head = cat.out().split("\n", 2)[0].split(" ");
                    assertEquals(k, Integer.parseInt(head[0]), what);
                    int i = Integer.parseInt(head[1]);
                    assertTrue(i >= synced.getOrDefault(k, 0), what + ": file " + k + " holds version " + i);
                    assertEquals(version(k, i), cat.out(), what + ": file " + k + " version " + i + " whole");
                }
            }
        }
    }
}
