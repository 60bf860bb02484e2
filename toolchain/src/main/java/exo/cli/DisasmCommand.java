package exo.cli;

import exo.toolchain.ToolchainException;
import exo.toolchain.Toolchain;
import exo.toolchain.disasm.Disassembly;
import exo.toolchain.exe.Executable;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.FormatException;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.Diagnostic;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exo disasm}: a listing of an object, an archive or an executable. */
@Command(name = "disasm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Disassemble an object, archive or executable: address, encoding, instruction, "
            + "with labels and symbolic targets; data as a hex dump."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "64:bad command line", "65:the file is not a valid object, archive or executable", "66:the file is missing"})
public final class DisasmCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "object (.o), archive (.a) or executable (.exo)")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            byte[] b = CliIo.read(file);
            String name = file.toString();
            if (Executable.is(b)) {
                out.print(Disassembly.executable(name, Executable.read(b)));
            } else if (Archive.is(b)) {
                for (ObjectFile o : Archive.read(name, b)) out.print(Disassembly.object(o) + "\n");
            } else if (Toolchain.isObject(b)) {
                out.print(Disassembly.object(ObjectFile.read(name, b)));
            } else {
                throw new FormatException(Toolchain.NOT_BINARY + " (to see a source's bytes, use exo asm -l)");
            }
            out.flush();
            return ExitCodes.OK;
        } catch (FormatException e) {
            return CliIo.report(err, new ToolchainException(Diagnostic.error(file.toString(), e.getMessage())));
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        }
    }
}
