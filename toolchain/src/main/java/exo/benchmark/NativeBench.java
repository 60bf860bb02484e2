package exo.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's own Linux as the anchor column: compiles the shipped C program
 * (exo/benchmark/native/vm.c) with the host's C compiler once, then runs its variants. Host
 * nanoseconds only: the host has no guest cycles.
 */
public final class NativeBench implements AutoCloseable {
    /** Compilers tried, in order, on the PATH. */
    public static final List<String> COMPILERS = List.of("gcc", "cc");
    private static final Pattern REPORT = Pattern.compile("bench ns=(\\d+) ops=(\\d+)");
    private static final long TIMEOUT_SECONDS = 600;

    /** Thrown when the native column cannot be built or run: a message for the user. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    private final Path dir;
    private final Path binary;

    private NativeBench(Path dir, Path binary) {
        this.dir = dir;
        this.binary = binary;
    }

    /** The first compiler on the PATH, if any. */
    public static Optional<Path> findCompiler() {
        return findCompiler(System.getenv("PATH"));
    }

    /** The first of {@link #COMPILERS} in the directories of this search path, if any. */
    public static Optional<Path> findCompiler(String path) {
        if (path == null) return Optional.empty();
        for (String name : COMPILERS) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (d.isEmpty()) continue;
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Compiles the C program in a temporary directory. */
    public static NativeBench compile() throws Unavailable {
        Path cc = findCompiler().orElseThrow(() -> new Unavailable("--native needs a C compiler (" + String.join(" or ", COMPILERS)
                + ") on the PATH, and none was found"));
        try {
            Path dir = Files.createTempDirectory("exo-bench-native");
            Path src = dir.resolve("vm.c");
            try (InputStream in = NativeBench.class.getResourceAsStream("native/vm.c")) {
                if (in == null) throw new IllegalStateException("exo/benchmark/native/vm.c is missing from the classpath");
                Files.write(src, in.readAllBytes());
            }
            Path bin = dir.resolve("vm");
            String out = exec(List.of(cc.toString(), "-O2", "-o", bin.toString(), src.toString()));
            if (!Files.isExecutable(bin)) throw new Unavailable(cc + " could not compile the native benchmark: " + out.strip());
            return new NativeBench(dir, bin);
        } catch (IOException e) {
            throw new Unavailable("cannot build the native benchmark: " + e.getMessage());
        }
    }

    /** Runs one variant with N iterations: host nanoseconds per operation. */
    public double nanosPerOp(int variant, int iterations, long expectedOps) throws Unavailable {
        String out;
        try {
            out = exec(List.of(binary.toString(), Integer.toString(iterations), Integer.toString(variant)));
        } catch (IOException e) {
            throw new Unavailable("cannot run the native benchmark: " + e.getMessage());
        }
        Matcher m = REPORT.matcher(out);
        if (!m.find()) throw new Unavailable("the native benchmark (variant " + variant + ") printed no report: " + out.strip());
        long ns = Long.parseLong(m.group(1)), ops = Long.parseLong(m.group(2));
        if (ops != expectedOps) throw new Unavailable("the native benchmark (variant " + variant + ") did " + ops + " operations, not " + expectedOps);
        return (double) ns / ops;
    }

    private static String exec(List<String> command) throws IOException, Unavailable {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new Unavailable(command.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new Unavailable(Path.of(command.get(0)).getFileName() + " failed (exit " + p.exitValue() + "): " + text.strip());
            return text;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(binary);
            Files.deleteIfExists(dir.resolve("vm.c"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A temporary file left behind harms nothing; the OS cleans its temporary directory.
        }
    }
}
