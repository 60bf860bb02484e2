package exo.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code exo} command. Subcommands are listed in {@link #SUBCOMMANDS} and registered in
 * {@link #commandLine(String...)}; each handles its own errors and returns a sysexits-style code
 * from {@link ExitCodes}.
 *
 * <p>Start-up matters here ({@code exo run hello.s} should answer in a blink), and picocli builds
 * a command's model by reflection over its annotations: the whole tree cost about 60 ms more than
 * one subcommand on a cold JVM. So a command line that names a subcommand gets a tree with only
 * that subcommand; anything else (no subcommand, {@code --help}, {@code help}, {@code completion},
 * a misspelt name) gets the whole tree, so usage, suggestions and completion see every command.
 */
@Command(name = "exo",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Exo: an exokernel on an emulated RISC machine, with its toolchain, monitor and benchmarks.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"64:no command given, or a bad command line", "N:the command's own (see exo COMMAND --help)"})
public final class Main implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The subcommands, in the order usage lists them. */
    static final List<String> SUBCOMMANDS = List.of("help", "asm", "link", "disasm", "run", "debug", "bench", "disk", "completion");

    /**
     * A new instance of the subcommand named. A switch rather than a table of constructor
     * references: resolving those loaded every command's class at start (about 10 ms).
     */
    private static Object subcommand(String name) {
        switch (name) {
            case "help": return new CommandLine.HelpCommand();
            case "asm": return new AsmCommand();
            case "link": return new LinkCommand();
            case "disasm": return new DisasmCommand();
            case "run": return new RunCommand();
            case "debug": return new DebugCommand();
            case "bench": return new BenchCommand();
            case "disk": return new DiskCommand();
            case "completion": return new CompletionCommand();
            default: throw new IllegalArgumentException("no subcommand " + name);
        }
    }

    /** Subcommands that look at the whole tree. */
    private static final Set<String> NEED_THE_TREE = Set.of("help", "completion");

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI with these arguments and returns the exit code (tests call this). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /** The command tree that args need: the subcommand args[0] names alone, or all of them. */
    public static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.contains(first) && !NEED_THE_TREE.contains(first)) {
            cl.addSubcommand(first, subcommand(first));
        } else {
            for (String name : SUBCOMMANDS) cl.addSubcommand(name, subcommand(name));
        }
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
