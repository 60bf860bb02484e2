package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/time-to-solution: bad usage is refused with 64, a run prints the table, and a column
 * whose program prints something other than exo's output fails the run (exit 1). The exo it
 * times here is the built jar (the launcher would build with Maven inside Maven's own run).
 */
class TimeToSolutionScriptTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "time-to-solution").toAbsolutePath();
    private static final Path JAR = Path.of("..", "toolchain", "target", "exo.jar").toAbsolutePath();

    record Result(int code, String out) {}

    private static Result run(Path dir, String exoScript, String... args) throws IOException, InterruptedException {
        Path exo = dir.resolve("exo");
        Files.writeString(exo, "#!/usr/bin/env bash\n" + exoScript + "\n");
        Files.setPosixFilePermissions(exo, PosixFilePermissions.fromString("rwx------"));
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("EXO", exo.toString());
        pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the script finishes");
        return new Result(p.exitValue(), out);
    }

    private static final String REAL = "exec java -Xss16m -jar " + JAR + " \"$@\"";

    @Test
    void badUsageIsRefusedWith64(@TempDir Path dir) throws Exception {
        Result r = run(dir, REAL, "--rounds", "0");
        assertEquals(64, r.code(), r.out());
        assertTrue(r.out().contains("--rounds needs a positive number"), r.out());
        r = run(dir, REAL, "--fast");
        assertEquals(64, r.code(), r.out());
        assertTrue(r.out().contains("unknown argument '--fast'"), r.out());
        r = run(dir, REAL, "--programs", "hello nosuch");
        assertEquals(64, r.code(), r.out());
        assertTrue(r.out().contains("no program 'nosuch'"), r.out());
    }

    @Test
    void oneRoundOfHelloPrintsTheTable(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(JAR), "the exo jar is built by the toolchain module's package phase");
        Result r = run(dir, REAL, "--rounds", "1", "--programs", "hello");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("min / median of 1 rounds"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("hello +[0-9.]+ / +[0-9.]+.*")), r.out());
    }

    @Test
    void aColumnThatPrintsSomethingElseFailsTheRun(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/usr/bin/gcc")), "the native column needs gcc");
        // exo's column prints something other than hello.c does, after a first call that must succeed.
        Result r = run(dir, "if [[ -f \"$(dirname \"$0\")/ran\" ]]; then echo 'goodbye'; else touch \"$(dirname \"$0\")/ran\"; fi",
                "--rounds", "1", "--programs", "hello");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.out().contains("hello under native printed something else"), r.out());
    }
}
