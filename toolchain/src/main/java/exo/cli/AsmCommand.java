package exo.cli;

import exo.toolchain.Diagnostic;
import exo.toolchain.SourceFile;
import exo.toolchain.Toolchain;
import exo.toolchain.ToolchainException;
import exo.toolchain.asm.Assembler;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.FormatException;
import exo.toolchain.obj.ObjectFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exo asm}: assembly sources to an object file, or to an archive of objects. */
@Command(name = "asm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Assemble source files into relocatable objects.",
            "One FILE.s becomes FILE.o (or OUT with -o). Several files become one object each, "
                + "or with -o NAME.a one archive holding them all. Syntax: docs/assembler.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:assembled", "64:bad command line", "65:errors in the source", "66:an input file is missing", "73:cannot write the output"})
public final class AsmCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "assembly source files")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output object, or archive if it ends in .a")
    Path output;

    @Option(names = {"-l", "--listing"}, description = "print a listing (section, offset, bytes, source line) to standard output")
    boolean listing;

    /** Why a file is not assembly source (it is, or is named as, an object, archive or executable), or null. */
    private static String notSource(Path f, byte[] bytes) {
        try {
            Toolchain.Kind k = Toolchain.kind(f.toString(), bytes);
            if (k == Toolchain.Kind.SOURCE) return null;
            return "not an assembly source: it is an Exo " + k.name().toLowerCase(java.util.Locale.ROOT) + " (exo link, exo run and exo disasm take it)";
        } catch (FormatException e) {
            return e.getMessage();
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            CliIo.requireExisting(files);
            boolean archive = output != null && output.toString().endsWith(".a");
            if (files.size() > 1 && output != null && !archive) {
                err.println("exo asm: several sources need -o NAME.a (an archive), or no -o (each FILE.s becomes FILE.o)");
                return ExitCodes.USAGE;
            }
            List<Diagnostic> errors = new ArrayList<>();
            List<ObjectFile> objects = new ArrayList<>();
            for (Path f : files) {
                String binary = notSource(f, CliIo.read(f));
                if (binary != null) {
                    errors.add(Diagnostic.error(f.toString(), binary));
                    continue;
                }
                SourceFile src = SourceFile.read(f);
                try {
                    Assembler.Result r = Assembler.assemble(src, CliIo.withExtension(f, ".o").getFileName().toString(), listing);
                    objects.add(r.object());
                    if (listing) out.print(r.listing());
                } catch (ToolchainException e) {
                    errors.addAll(e.diagnostics());
                }
            }
            out.flush();
            if (!errors.isEmpty()) return CliIo.report(err, new ToolchainException(errors));
            if (archive) {
                CliIo.write(output, Archive.write(objects));
            } else {
                for (int i = 0; i < files.size(); i++) {
                    CliIo.write(output != null ? output : CliIo.withExtension(files.get(i), ".o"), objects.get(i).write());
                }
            }
            return ExitCodes.OK;
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        } catch (java.io.IOException e) {
            err.println("exo asm: " + e.getMessage());
            return ExitCodes.IOERR;
        }
    }
}
