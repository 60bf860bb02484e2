package exo.toolchain;

import exo.toolchain.asm.Assembler;
import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.FormatException;
import exo.toolchain.obj.ObjectFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One-call entry points over assembler and linker, for commands that start from files
 * ({@code exo run}, {@code exo debug}, the benchmark runner). Inputs are recognized by {@link #kind}:
 * object, archive and executable files by their magic number or their name (.o, .a, .exo),
 * anything else as assembly source.
 * Every error of every input is collected before failing, in the usual diagnostic format.
 */
public final class Toolchain {
    private Toolchain() {}

    /** A file, or a classpath resource such as {@code guest-runtime/start.s}. */
    public record Input(String name, Path path, String resource) {
        public static Input file(Path p) {
            return new Input(p.toString(), p, null);
        }

        public static Input resource(String name) {
            String clean = name.startsWith("/") ? name.substring(1) : name;
            return new Input(clean, null, clean);
        }

        byte[] bytes() throws IOException {
            if (path != null) return Files.readAllBytes(path);
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader == null) loader = Toolchain.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) throw new NoSuchFileException(resource, null, "no such resource on the classpath");
                return in.readAllBytes();
            }
        }

        SourceFile source() throws IOException {
            return path != null ? SourceFile.read(path) : SourceFile.resource(resource);
        }
    }

    /** Assembles sources, reads objects and archives, and links them; or reads one executable. */
    public static Executable buildExecutable(List<Input> inputs, LinkOptions options) throws ToolchainException {
        return buildExecutable(inputs, List.of(), List.of(), options);
    }

    /**
     * As {@link #buildExecutable(List, LinkOptions)}, linking the program's inputs with objects
     * and archives already in hand (the guest runtime, see {@link GuestRuntime}). A single
     * executable input is returned as it is, without them.
     */
    public static Executable buildExecutable(List<Input> inputs, List<ObjectFile> extraObjects, List<List<ObjectFile>> extraArchives,
            LinkOptions options) throws ToolchainException {
        List<Diagnostic> errors = new ArrayList<>();
        List<ObjectFile> objects = new ArrayList<>();
        List<List<ObjectFile>> archives = new ArrayList<>();
        Executable exe = null;
        for (Input in : inputs) {
            try {
                byte[] bytes = in.bytes();
                switch (kind(in.name, bytes)) {
                    case EXECUTABLE -> {
                        if (inputs.size() > 1) {
                            errors.add(Diagnostic.error(in.name, "an executable cannot be linked with other inputs"));
                            continue;
                        }
                        exe = Executable.read(bytes);
                    }
                    case ARCHIVE -> archives.add(Archive.read(in.name, bytes));
                    case OBJECT -> objects.add(ObjectFile.read(in.name, bytes));
                    case SOURCE -> {
                        if (isBinary(bytes)) {
                            errors.add(Diagnostic.error(in.name, "not an assembly source, object, archive or executable (it holds binary data)"));
                        } else {
                            SourceFile src = in.path != null ? SourceFile.read(in.path) : in.source();
                            objects.add(Assembler.assemble(src));
                        }
                    }
                }
            } catch (NoSuchFileException e) {
                errors.add(Diagnostic.error(in.name, "no such file"));
            } catch (IOException e) {
                errors.add(Diagnostic.error(in.name, "cannot read: " + e.getMessage()));
            } catch (FormatException e) {
                errors.add(Diagnostic.error(in.name, e.getMessage()));
            } catch (ToolchainException e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) throw new ToolchainException(errors);
        if (exe != null) return exe;
        objects.addAll(extraObjects);
        archives.addAll(extraArchives);
        return Linker.link(objects, archives, options);
    }

    /** What an input file is; see {@link #kind}. */
    public enum Kind { SOURCE, OBJECT, ARCHIVE, EXECUTABLE }

    /** The message for a file that should be a binary but has no Exo magic number. */
    public static final String NOT_BINARY = "not an Exo object, archive or executable";

    /**
     * What an input is, the same in every command: an object, archive or executable by its magic
     * number; otherwise a file named {@code .o}, {@code .a} or {@code .exo} is a malformed one
     * (an empty {@code e.exo} is not an empty source); anything else is assembly source.
     *
     * @throws FormatException for a binary's name without a binary's magic number
     */
    public static Kind kind(String name, byte[] bytes) throws FormatException {
        if (Executable.is(bytes)) return Kind.EXECUTABLE;
        if (Archive.is(bytes)) return Kind.ARCHIVE;
        if (isObject(bytes)) return Kind.OBJECT;
        if (hasBinaryName(name)) {
            throw new FormatException(NOT_BINARY + (bytes.length == 0 ? " (the file is empty)" : " (no magic number)"));
        }
        return Kind.SOURCE;
    }

    /** Whether a file's name says it is an object (.o), archive (.a) or executable (.exo). */
    public static boolean hasBinaryName(String name) {
        return name.endsWith(".o") || name.endsWith(".a") || name.endsWith(".exo");
    }

    /**
     * Whether bytes look like binary data rather than text: a NUL byte, or more than one in
     * twenty bytes a control character other than tab, newline, carriage return or form feed.
     */
    static boolean isBinary(byte[] bytes) {
        int control = 0;
        for (byte b : bytes) {
            if (b == 0) return true;
            if (b > 0 && b < 32 && b != '\t' && b != '\n' && b != '\r' && b != '\f') control++;
        }
        return control * 20 > bytes.length;
    }

    /** Whether bytes start with the object-file magic number. */
    public static boolean isObject(byte[] bytes) {
        byte[] m = ObjectFile.MAGIC.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < m.length) return false;
        for (int i = 0; i < m.length; i++) if (bytes[i] != m[i]) return false;
        return true;
    }
}
