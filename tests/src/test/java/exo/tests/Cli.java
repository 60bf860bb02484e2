package exo.tests;

import exo.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the exo CLI in-process with captured standard streams. */
final class Cli {
    record Result(int code, String out, String err) {}

    private Cli() {}

    static synchronized Result withInput(String input, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
            int code = Main.commandLine(args).setOut(new java.io.PrintWriter(System.out, true)).setErr(new java.io.PrintWriter(System.err, true)).execute(args);
            System.out.flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static Result run(String... args) {
        return withInput("", args);
    }

    /** Path of a test resource under cli/. */
    static String file(String name) {
        try {
            return Path.of(Cli.class.getResource("/cli/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code exo debug --engine ENGINE PROGRAM} (a name under guest-programs/src) fed commands on
     * standard input; returns what the monitor printed, after checking it exited 0.
     */
    static String debug(String engine, String program, String commands) {
        Result r = withInput(commands, "debug", "--engine", engine, GuestProgramsTest.PROGRAMS.resolve(program).toString());
        org.junit.jupiter.api.Assertions.assertEquals(0, r.code(), r.err());
        return r.out();
    }
}
