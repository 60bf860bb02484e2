package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.baseline.Fsck;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host process killed (SIGKILL) at random moments of a write workload on the baseline's
 * file system (test resource mono/fschurn.s: create, write, rename over, unlink, mkdir, rmdir,
 * sync every fourth round), as DiskCrashTest does for the exokernel's table: each time the Java
 * consistency check finds no problem in the image (leaks are allowed: a crash between a sync's
 * steps leaves them), and the image boots again and passes the kernel's own check.
 */
class MonoFsCrashTest {
    @TempDir
    Path dir;

    @Test
    void killedAtAnyMomentTheImageIsConsistent() throws Exception {
        String churn = MonoFsTest.resource("fschurn.s");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SplittableRandom rnd = new SplittableRandom(16);
        for (int trial = 0; trial < 4; trial++) {
            Path img = dir.resolve("crash" + trial + ".img");
            Process p = new ProcessBuilder(List.of(java, "-Xss16m", "-cp", System.getProperty("java.class.path"), "exo.cli.Main",
                    "run", "--kernel", "mono", "--disk", img.toString(), "--disk-create", "1M", churn))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        String line;
                        while ((line = out.readLine()) != null && !line.equals("churning")) {
                            if (!line.startsWith("exo run: ")) return line;
                        }
                        return line;
                    } catch (java.io.IOException e) {
                        return e.toString();
                    }
                }).get(120, TimeUnit.SECONDS);
                assertEquals("churning", first, "the workload started");
                Thread.sleep(rnd.nextInt(1, 400));
            } finally {
                p.destroyForcibly();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            }
            Fsck.Report r = Fsck.check(img);
            assertTrue(r.consistent(), "trial " + trial + ": " + r.problems());
            Cli.Result again = Cli.run("run", "--kernel", "mono", "--disk", img.toString(), MonoFsTest.resource("fscalls.s"), "--", "again");
            assertTrue(again.out().contains("check 0\n"), again.out() + again.err());
        }
    }
}
