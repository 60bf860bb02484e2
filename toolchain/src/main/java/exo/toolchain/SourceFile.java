package exo.toolchain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An assembly source: its display name, its text split into lines, and where it came from (a
 * file, a classpath resource, or memory), which decides how {@code .include} names are resolved:
 * relative to the including file's directory, or to its resource folder.
 */
public final class SourceFile {
    /** Name shown in diagnostics and recorded in line tables. */
    public final String name;
    private final String[] lines;
    private final Path path;
    private final String resource;

    private SourceFile(String name, String text, Path path, String resource) {
        this.name = name;
        this.lines = splitLines(text);
        this.path = path;
        this.resource = resource;
    }

    /** A source held in memory; includes resolve as files relative to name's directory. */
    public static SourceFile of(String name, String text) {
        return new SourceFile(name, text, Path.of(name), null);
    }

    /** Reads a source file; the display name is the path as given. */
    public static SourceFile read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        return new SourceFile(path.toString(), new String(bytes, StandardCharsets.UTF_8), path, null);
    }

    /**
     * Reads a classpath resource such as {@code guest-runtime/start.s} (no leading slash).
     *
     * @throws NoSuchFileException if there is no such resource
     */
    public static SourceFile resource(String name) throws IOException {
        String clean = normalize(name.startsWith("/") ? name.substring(1) : name);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = SourceFile.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(clean)) {
            if (in == null) throw new NoSuchFileException(clean, null, "no such resource on the classpath");
            return new SourceFile(clean, new String(in.readAllBytes(), StandardCharsets.UTF_8), null, clean);
        }
    }

    /** Where {@code .include} looks last: the runtime's resources, so any program can include its headers. */
    public static final String RUNTIME_INCLUDE = "guest-runtime/src/";

    /**
     * The file an {@code .include "name"} in this source refers to: relative to this source's
     * directory (or resource folder); failing that, a relative name is looked up under
     * {@link #RUNTIME_INCLUDE} on the classpath, so {@code .include "exo/kernel.inc"} works
     * from any program.
     */
    public SourceFile include(String name) throws IOException {
        try {
            if (resource != null) {
                int slash = resource.lastIndexOf('/');
                return resource(slash < 0 ? name : resource.substring(0, slash + 1) + name);
            }
            Path p = Path.of(name);
            if (!p.isAbsolute() && path != null) {
                Path dir = path.getParent();
                if (dir != null) p = dir.resolve(name);
            }
            return read(p.normalize());
        } catch (NoSuchFileException e) {
            if (Path.of(name).isAbsolute()) throw e;
            try {
                return resource(RUNTIME_INCLUDE + name);
            } catch (NoSuchFileException again) {
                throw e;
            }
        }
    }

    private String identity;

    /** What makes two sources the same file, for include-cycle detection. */
    public String identity() {
        if (identity == null) identity = resource != null ? "resource:" + resource : "file:" + path.toAbsolutePath().normalize();
        return identity;
    }

    /** Number of lines (a final line without a newline counts). */
    public int lineCount() {
        return lines.length;
    }

    /** Text of line n (1-based), without its line terminator; "" beyond the end. */
    public String line(int n) {
        return n >= 1 && n <= lines.length ? lines[n - 1] : "";
    }

    private static String[] splitLines(String text) {
        int count = 1;
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) == '\n') count++;
        if (text.endsWith("\n")) count--;
        String[] out = new String[count];
        int start = 0, k = 0;
        for (int i = 0; i < text.length() && k < count; i++) {
            if (text.charAt(i) == '\n') {
                int end = i > start && text.charAt(i - 1) == '\r' ? i - 1 : i;
                out[k++] = text.substring(start, end);
                start = i + 1;
            }
        }
        if (k < count) out[k] = text.substring(start);
        return out;
    }

    /** Resolves "." and ".." in a slash-separated resource name. */
    private static String normalize(String name) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) continue;
            if (p.equals("..")) {
                if (!parts.isEmpty()) parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    @Override
    public String toString() {
        return name;
    }
}
