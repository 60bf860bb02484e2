package exo.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Exit codes, following sysexits(3) for bad input, and the two handlers that turn picocli's
 * failures into one clear line instead of a stack trace.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** Command-line usage error: unknown option, missing argument. */
    public static final int USAGE = 64;
    /** Input data was incorrect: malformed assembly, corrupt object or executable. */
    public static final int DATAERR = 65;
    /** An input file did not exist or was not readable. */
    public static final int NOINPUT = 66;
    /** Internal software error: a bug in Exo. */
    public static final int SOFTWARE = 70;
    /** Cannot create an output file. */
    public static final int CANTCREAT = 73;
    /** Input/output error. */
    public static final int IOERR = 74;

    private ExitCodes() {}

    static int badUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("exo: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        return USAGE;
    }

    static int unexpected(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println("exo: internal error: " + e);
        err.println("This is a bug in Exo; please report it with the command that caused it.");
        return SOFTWARE;
    }
}
