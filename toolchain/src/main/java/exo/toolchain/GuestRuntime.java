package exo.toolchain;

import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.obj.ObjectFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The runtime every program is linked with when it is built from source: the library OS,
 * shipped as assembly resources under {@code guest-runtime/}. Which files, and how, is listed in
 * {@code guest-runtime/src/runtime.list}: {@code object FILE} is always linked (the start-up code),
 * {@code library FILE} is an archive member, linked only if the program needs a symbol it
 * defines. A library OS variant chosen at link time is one more list. Assembled once per JVM,
 * and kept on disk between runs of the same build ({@link RuntimeCache}).
 */
public final class GuestRuntime {
    public static final String DEFAULT_LIST = "runtime.list";
    private static final String ROOT = "guest-runtime/src/";

    /** A runtime: objects always linked, and one archive of optional members. */
    public record Library(List<ObjectFile> objects, List<ObjectFile> members) {}

    private static final java.util.Map<String, Library> CACHE = new java.util.HashMap<>();

    private GuestRuntime() {}

    /** The runtime described by guest-runtime/src/LIST (assembled on first use, then cached in memory and on disk). */
    public static synchronized Library load(String list) throws ToolchainException {
        Library lib = CACHE.get(list);
        if (lib == null) {
            RuntimeCache disk = RuntimeCache.forThisBuild();
            lib = disk == null ? null : disk.load(list);
            if (lib == null) {
                lib = assemble(list);
                if (disk != null) disk.store(list, lib);
            }
            CACHE.put(list, lib);
        }
        return lib;
    }

    /** Whether guest-runtime/src/LIST is on the classpath (a name {@link #load} can take). */
    public static boolean exists(String list) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) loader = GuestRuntime.class.getClassLoader();
        return !list.isEmpty() && !list.contains("..") && loader.getResource(ROOT + list) != null;
    }

    /** Where runtime lists live, for messages: guest-runtime/src/. */
    public static String root() {
        return ROOT;
    }

    private static Library assemble(String list) throws ToolchainException {
        SourceFile index;
        try {
            index = SourceFile.resource(ROOT + list);
        } catch (NoSuchFileException e) {
            throw new ToolchainException(Diagnostic.error(null, "no runtime list " + ROOT + list + " on the classpath"));
        } catch (IOException e) {
            throw new ToolchainException(Diagnostic.error(ROOT + list, "cannot read: " + e.getMessage()));
        }
        List<ObjectFile> objects = new ArrayList<>(), members = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        for (int i = 1; i <= index.lineCount(); i++) {
            String line = index.line(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] w = line.split("\\s+");
            if (w.length != 2 || !(w[0].equals("object") || w[0].equals("library"))) {
                errors.add(Diagnostic.error(ROOT + list, i, 1, "expected 'object FILE' or 'library FILE'", index.line(i)));
                continue;
            }
            try {
                ObjectFile o = exo.toolchain.asm.Assembler.assemble(SourceFile.resource(ROOT + w[1]));
                (w[0].equals("object") ? objects : members).add(o);
            } catch (IOException e) {
                errors.add(Diagnostic.error(ROOT + list, i, 1, "cannot read runtime source " + ROOT + w[1] + ": " + e.getMessage(), index.line(i)));
            } catch (ToolchainException e) {
                errors.addAll(e.diagnostics());
            }
        }
        if (!errors.isEmpty()) throw new ToolchainException(errors);
        return new Library(List.copyOf(objects), List.copyOf(members));
    }

    private static boolean isExecutable(Path p) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
            return Executable.is(in.readNBytes(16));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Builds a program from its files (sources, objects, archives) linked with the runtime, or
     * loads a single executable as it is.
     */
    public static Executable build(List<Path> files, String list, LinkOptions options) throws ToolchainException {
        List<Toolchain.Input> inputs = new ArrayList<>();
        for (Path p : files) inputs.add(Toolchain.Input.file(p));
        if (inputs.size() == 1 && isExecutable(files.get(0))) return Toolchain.buildExecutable(inputs, options);
        Library lib = load(list);
        return Toolchain.buildExecutable(inputs, lib.objects(), List.of(lib.members()), options);
    }
}
