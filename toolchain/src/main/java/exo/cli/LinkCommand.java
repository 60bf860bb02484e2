package exo.cli;

import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.toolchain.GuestRuntime;
import exo.toolchain.ToolchainException;
import exo.toolchain.Toolchain;
import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exo link}: objects, archives and sources to an executable. */
@Command(name = "link", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Link objects (.o), archives (.a) and sources (.s, assembled first) into an executable.",
            "Archive members are taken only when they define a symbol still needed. Segments: text at --base, "
                + "then rodata, data and bss, each page-aligned. Format: docs/formats.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:linked", "64:bad command line", "65:bad input or unresolvable link", "66:an input file is missing", "73:cannot write the output"})
public final class LinkCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "objects, archives or sources")
    List<Path> inputs;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output executable (default: the first input with .exo)")
    Path output;

    @Option(names = "--base", paramLabel = "ADDR", converter = CliIo.Address.class,
            description = "address of the text segment, page-aligned (default: 0x00010000)")
    int base = LinkOptions.DEFAULT_BASE;

    @Option(names = {"-e", "--entry"}, paramLabel = "SYMBOL", description = "entry point symbol (default: _start)")
    String entry = LinkOptions.DEFAULT_ENTRY;

    @Option(names = {"-r", "--with-runtime"},
            description = "also link the library OS (guest-runtime/src/runtime.list), as exo run does for sources; "
                + "without it the inputs must define the entry symbol themselves")
    boolean withRuntime;

    @Option(names = "--runtime", paramLabel = "LIST",
            description = "link this runtime list from guest-runtime/ instead, e.g. unix.list for the baseline kernel (implies -r)")
    String runtime;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Pages.aligned(base)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--base: 0x" + Integer.toHexString(base)
                    + " is not page-aligned (a multiple of 0x" + Integer.toHexString(PhysicalMemory.PAGE_SIZE) + ")");
        }
        SystemOptions.checkRuntime(spec.commandLine(), runtime);
        try {
            CliIo.requireExisting(inputs);
            List<Toolchain.Input> in = new ArrayList<>();
            for (Path p : inputs) in.add(Toolchain.Input.file(p));
            LinkOptions options = new LinkOptions(base, entry);
            Executable exe;
            if (runtime == null && !withRuntime) {
                exe = Toolchain.buildExecutable(in, options);
            } else {
                GuestRuntime.Library lib = GuestRuntime.load(runtime != null ? runtime : GuestRuntime.DEFAULT_LIST);
                exe = Toolchain.buildExecutable(in, lib.objects(), List.of(lib.members()), options);
            }
            CliIo.write(output != null ? output : CliIo.withExtension(inputs.get(0), ".exo"), exe.write());
            return ExitCodes.OK;
        } catch (ToolchainException e) {
            return CliIo.report(err, e);
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        }
    }
}
