package exo.cli;

import exo.toolchain.Diagnostic;
import exo.toolchain.ToolchainException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * File access for the toolchain commands: failures become one message and the right sysexits
 * code (missing input NOINPUT, unwritable output CANTCREAT, anything else IOERR), carried by
 * {@link Failure} to the command's single catch.
 */
final class CliIo {
    /** A failure already described for the user, with its exit code. */
    static final class Failure extends Exception {
        final int code;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private CliIo() {}

    static byte[] read(Path p) throws Failure {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new Failure(ExitCodes.NOINPUT, p + ": no such file");
        } catch (AccessDeniedException e) {
            throw new Failure(ExitCodes.NOINPUT, p + ": permission denied");
        } catch (IOException e) {
            throw new Failure(Files.isDirectory(p) ? ExitCodes.NOINPUT : ExitCodes.IOERR, p + ": " + (Files.isDirectory(p) ? "is a directory" : "cannot read: " + e.getMessage()));
        }
    }

    static void write(Path p, byte[] bytes) throws Failure {
        try {
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new Failure(ExitCodes.CANTCREAT, p + ": cannot write: " + (e instanceof NoSuchFileException ? "no such directory" : e.getMessage()));
        }
    }

    /** Fails with NOINPUT if any input is missing, before any work is done. */
    static void requireExisting(Iterable<Path> inputs) throws Failure {
        for (Path p : inputs) {
            if (!Files.exists(p)) throw new Failure(ExitCodes.NOINPUT, p + ": no such file");
            if (Files.isDirectory(p)) throw new Failure(ExitCodes.NOINPUT, p + ": is a directory");
        }
    }

    /** Prints every diagnostic and returns DATAERR. */
    static int report(PrintWriter err, ToolchainException e) {
        for (Diagnostic d : e.diagnostics()) err.print(d.format());
        long errors = e.diagnostics().stream().filter(d -> d.severity().equals("error")).count();
        if (errors > 1) err.println(errors + " errors");
        err.flush();
        return ExitCodes.DATAERR;
    }

    static int fail(PrintWriter err, Failure f) {
        err.println("exo: " + f.getMessage());
        err.flush();
        return f.code;
    }

    /** name with its extension (if any) replaced by ext, e.g. hello.s to hello.o. */
    static Path withExtension(Path p, String ext) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return p.resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ext);
    }

    /** Parses 0x-prefixed hex or decimal, for addresses on the command line. */
    static final class Address implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            String t = s.trim().replace("_", "");
            long v;
            try {
                v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + s + "' is not an address (use decimal or 0x hex)");
            }
            if (v < 0 || v > 0xFFFFFFFFL) throw new picocli.CommandLine.TypeConversionException("'" + s + "' does not fit in 32 bits");
            return (int) v;
        }
    }
}
