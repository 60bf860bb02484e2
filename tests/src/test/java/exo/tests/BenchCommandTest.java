package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import exo.benchmark.NativeBench;
import exo.benchmark.Rows;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code exo bench} end to end: the table, the JSON, the native column, bad flags. */
class BenchCommandTest {
    @Test
    void quickRunPrintsEveryRowForBothKernels() {
        Cli.Result r = Cli.run("bench", "--quick", "--engine", "interp");
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("exo bench: 1 of"), "no progress line when not on a terminal: " + r.err());
        for (Rows.Row row : Rows.ALL) {
            String line = r.out().lines().filter(l -> l.startsWith(row.name() + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + row.name() + " in\n" + r.out()));
            String[] cols = line.substring(row.name().length()).trim().split("\\s+");
            assertEquals(6, cols.length, line);
            if (row.mono() == null) assertEquals("n/a", cols[1], line);
            else assertTrue(cols[2].endsWith("x"), line);
        }
        assertTrue(r.out().contains("Table 10: virtual memory (Appel & Li), on the library OS"), r.out());
    }

    @Test
    void jsonParsesAndHasEveryRow() {
        Cli.Result r = Cli.run("bench", "--quick", "--json");
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> doc = (Map<String, Object>) Json.parse(r.out());
        assertEquals("jit", doc.get("engine"));
        assertEquals(Boolean.TRUE, doc.get("quick"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("rows");
        assertEquals(Rows.ALL.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Rows.Row row = Rows.ALL.get(i);
            Map<String, Object> json = rows.get(i);
            assertEquals(row.name(), json.get("name"));
            @SuppressWarnings("unchecked")
            Map<String, Object> exo = (Map<String, Object>) json.get("exo");
            assertEquals((double) row.iterations(true) * row.exo().opsPerIteration(), (Double) exo.get("ops"));
            assertTrue((Double) exo.get("cyclesPerOp") > 0);
            assertEquals(row.mono() == null, json.get("mono") == null, row.name());
        }
    }

    @Test
    void nativeColumnWhenACompilerIsThere() {
        assumeTrue(NativeBench.findCompiler().isPresent(), "no C compiler on this host");
        Cli.Result r = Cli.run("bench", "--quick", "--native");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("linux ns"), r.out());
        String trap = r.out().lines().filter(l -> l.startsWith("trap ")).findFirst().orElseThrow();
        assertEquals(7, trap.substring(4).trim().split("\\s+").length, trap);
    }

    @Test
    void compilerSearchFollowsThePath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        assertTrue(NativeBench.findCompiler(dir.toString()).isEmpty());
        assertTrue(NativeBench.findCompiler("").isEmpty());
        java.nio.file.Path cc = java.nio.file.Files.createFile(dir.resolve("cc"));
        assertTrue(NativeBench.findCompiler(dir.toString()).isEmpty(), "not executable");
        assertTrue(cc.toFile().setExecutable(true));
        assertEquals(cc, NativeBench.findCompiler("/nonexistent" + java.io.File.pathSeparator + dir).orElseThrow());
    }

    @Test
    void badFlagsAreUsageErrors() {
        Cli.Result r = Cli.run("bench", "--engine", "qemu");
        assertEquals(64, r.code());
        assertTrue(r.err().contains("unknown engine 'qemu'"), r.err());
        assertEquals(64, Cli.run("bench", "--fast").code());
        assertEquals(64, Cli.run("bench", "extra").code());
    }

    /** On a terminal (a pseudo-terminal from script(1)) a progress line names each row as it is measured. */
    @Test
    void progressIsShownOnATerminal() throws Exception {
        java.nio.file.Path jar = java.nio.file.Path.of("..", "toolchain", "target", "exo.jar");
        assumeTrue(java.nio.file.Files.isRegularFile(java.nio.file.Path.of("/usr/bin/script")), "script(1) is needed to allocate a pseudo-terminal");
        assumeTrue(java.nio.file.Files.isRegularFile(jar), "the exo jar is built by the toolchain module's package phase");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", "exec java -jar " + jar + " bench --quick --engine interp", "/dev/null")
                .redirectErrorStream(true);
        Process p = pb.start();
        String seen = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), seen);
        assertTrue(seen.contains("exo bench: 1 of " + Rows.ALL.size() + ": " + Rows.ALL.get(0).table() + ", " + Rows.ALL.get(0).name()), seen);
        assertTrue(seen.contains("exo bench: " + Rows.ALL.size() + " of " + Rows.ALL.size()), seen);
        assertTrue(seen.contains("Table 10: virtual memory"), "and the tables after it: " + seen);
    }
}
