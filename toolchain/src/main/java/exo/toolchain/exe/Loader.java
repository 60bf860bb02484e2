package exo.toolchain.exe;

import exo.os.ProgramImage;
import exo.toolchain.Diagnostic;
import exo.toolchain.ToolchainException;
import exo.toolchain.obj.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Executables to {@link ProgramImage}s for the kernel. All checking happens in
 * {@link Executable#read}; the image shares nothing mutable with the file's bytes.
 */
public final class Loader {
    private Loader() {}

    /** Reads, validates and converts an executable file. */
    public static ProgramImage load(Path file) throws ToolchainException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ToolchainException(Diagnostic.error(file.toString(), "no such file"));
        } catch (IOException e) {
            throw new ToolchainException(Diagnostic.error(file.toString(), "cannot read: " + e.getMessage()));
        }
        return load(file.getFileName().toString(), bytes);
    }

    /** Validates and converts executable bytes; name is used in messages and the image. */
    public static ProgramImage load(String name, byte[] bytes) throws ToolchainException {
        try {
            return image(name, Executable.read(bytes));
        } catch (FormatException e) {
            throw new ToolchainException(Diagnostic.error(name, "invalid executable: " + e.getMessage()));
        }
    }

    /** The image of an already validated executable. */
    public static ProgramImage image(String name, Executable exe) {
        List<ProgramImage.Segment> segs = new ArrayList<>();
        for (Executable.Segment s : exe.segments()) segs.add(new ProgramImage.Segment(s.vaddr(), s.data().clone(), s.memSize(), s.flags()));
        return new ProgramImage(name, List.copyOf(segs), exe.entry(), new ExeSymbolizer(exe));
    }
}
