package exo.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Drives {@code exo debug} through a real pseudo-terminal (util-linux script(1) allocates it):
 * Tab completes a command, Ctrl-C stops a guest that spins forever at an instruction boundary
 * and abandons a reverse-continue, and the session goes on afterwards.
 */
class MonitorTerminalTest {
    private static final Path JAR = Path.of("..", "toolchain", "target", "exo.jar");

    @Test
    void tabCompletesAndCtrlCStopsARunningGuest() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/usr/bin/script")), "script(1) is needed to allocate a pseudo-terminal");
        assumeTrue(Files.isRegularFile(JAR), "the exo jar is built by the toolchain module's package phase");
        Path home = Files.createTempDirectory("exo-home");
        String cmd = "stty cols 120 rows 40; exec java -Duser.home=" + home + " -jar " + JAR + " debug --runtime runtime-bare.list src/test/resources/monitor/spin.s";
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true);
        pb.environment().put("TERM", "xterm");
        Process p = pb.start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), seen));
        reader.setDaemon(true);
        reader.start();
        OutputStream keys = p.getOutputStream();
        try {
            waitFor(seen, "(exo) ", 30);
            type(keys, "break spin_f\t");
            waitFor(seen, "spin_forever", 10);
            type(keys, "\r");
            waitFor(seen, "breakpoint 1 at", 10);
            type(keys, "delete\r");
            // On a terminal, delete with no argument asks first; a wrong answer asks again.
            waitFor(seen, "(y or n) ", 10);
            type(keys, "maybe\r");
            type(keys, "y\r");
            waitFor(seen, "deleted all breakpoints", 10);
            type(keys, "break spin_forever\r");
            waitFor(seen, "breakpoint 2 at", 10);
            type(keys, "delete\r");
            waitFor(seen, "Delete all 1", 10);
            type(keys, "n\r");
            waitFor(seen, "not deleted", 10);
            type(keys, "delete 2\r");
            type(keys, "contin\t");
            waitFor(seen, "continue", 10);
            type(keys, "\r");
            Thread.sleep(1500);
            type(keys, "\u0003");
            waitFor(seen, "interrupted", 10);
            type(keys, "print pc - main\r");
            waitFor(seen, "(0x", 10);
            // An empty line repeats the last step, as in gdb.
            type(keys, "display $pc - main\r");
            waitFor(seen, "1: $pc - main", 10);
            type(keys, "step\r");
            waitFor(seen, "the step", 1, "=> 0x", 1);
            type(keys, "\r");
            waitFor(seen, "Enter after the step", 1, "=> 0x", 2);
            // Reverse-continue searches the second and more of spinning, from snapshots, for the
            // last hit of a breakpoint whose condition never holds (so it checks every iteration);
            // Ctrl-C abandons it and leaves the program where it was.
            type(keys, "break spin_forever if t0 == 0\r");
            waitFor(seen, "if t0 == 0", 10);
            type(keys, "reverse-continue\r");
            Thread.sleep(300);
            type(keys, "\u0003");
            waitFor(seen, "interrupted; back where reverse-continue started", 60);
            type(keys, "quit\r");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the monitor did not exit after quit");
        } finally {
            p.destroyForcibly();
        }
        String out = seen.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("continue"), out);
        assertTrue(out.contains("interrupted"), out);
        assertTrue(out.contains("spin.s:"), "the stop shows the source line: " + out);
        assertTrue(Files.exists(home.resolve(".exo_history")), "history is saved");
        String history = Files.readString(home.resolve(".exo_history"));
        assertTrue(history.contains(":continue") && history.contains(":break spin_forever"), "Tab completed the words, and history has them: " + history);
        assertTrue(!history.contains(":maybe") && !history.contains(":y\n") && !history.contains(":n\n"), "answers to delete's question are not commands: " + history);
    }

    private static void type(OutputStream keys, String s) throws IOException {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    private static void waitFor(ByteArrayOutputStream seen, String text, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            synchronized (seen) {
                if (seen.toString(StandardCharsets.UTF_8).contains(text)) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + text + "' within " + seconds + " s; the terminal showed:\n" + seen.toString(StandardCharsets.UTF_8));
    }

    /** Waits until text occurs at least times times after the last occurrence of "display". */
    private static void waitFor(ByteArrayOutputStream seen, String what, int seconds, String text, int times) throws InterruptedException {
        long end = System.nanoTime() + 10L * seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            synchronized (seen) {
                String s = seen.toString(StandardCharsets.UTF_8);
                s = s.substring(s.lastIndexOf("display"));
                if (s.split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times) return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": fewer than " + times + " '" + text + "'; the terminal showed:\n" + seen.toString(StandardCharsets.UTF_8));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) > 0; ) {
                synchronized (out) {
                    out.write(b, 0, n);
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }
}
