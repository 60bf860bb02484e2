package exo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code exo} command. Subcommands are registered in {@link #commandLine()}; each handles its
 * own errors and returns a sysexits-style code from {@link ExitCodes}.
 */
@Command(name = "exo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Exo: an exokernel on an emulated RISC machine, with its toolchain, monitor and benchmarks.",
        subcommands = {CommandLine.HelpCommand.class, AsmCommand.class, LinkCommand.class, DisasmCommand.class, RunCommand.class, DebugCommand.class,
            BenchCommand.class, CompletionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"64:no command given, or a bad command line", "N:the command's own (see exo COMMAND --help)"})
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI with these arguments and returns the exit code (tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(ExitCodes::unexpected);
        cl.setParameterExceptionHandler(ExitCodes::badUsage);
        return cl;
    }

    /** {@code exo} alone: the usage, on standard error, as a bad command line. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Reads the version Maven filtered into exo/version.properties. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/exo/version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"exo " + p.getProperty("version", "unknown") + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}
