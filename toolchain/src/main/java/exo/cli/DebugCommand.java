package exo.cli;

import exo.emulator.machine.Console;
import exo.emulator.machine.DiskException;
import exo.monitor.Debugger;
import exo.monitor.ExeDebugInfo;
import exo.monitor.Interactive;
import exo.monitor.OsTarget;
import exo.monitor.Monitor;
import exo.os.BootException;
import exo.toolchain.ToolchainException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code exo debug}: the monitor on one program (docs/monitor.md). */
@Command(name = "debug", mixinStandardHelpOptions = true,
        description = {"Debug a guest program in the interactive monitor.",
            "The program boots as 'exo run' would and stops at its entry. On a terminal the monitor has line "
                + "editing, history and Tab completion; when standard input is not a terminal it reads commands "
                + "from there and echoes them. -x FILE runs FILE's commands first, then reads commands as usual; "
                + "--batch leaves instead. Commands: docs/monitor.md, or 'help' in the monitor.",
            "With --disk FILE every boot of the session (run, reverse execution) starts from a copy of FILE as it is now: "
                + "the monitor never writes FILE ('info disk' shows the device)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the monitor was left", "1:a command in the -x file failed (which ends the file), or with --batch any command failed",
            "64:bad command line", "65:errors in the program, or (with --disk) a corrupt image", "66:a file or the image is missing",
            "73:(with --disk-create) the image exists already", "74:(with --disk) the host cannot read or copy the image"})
public final class DebugCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    SystemOptions system;

    @Mixin
    DiskOptions disks;

    @Parameters(index = "0", paramLabel = "PROGRAM", description = "assembly source, object or executable")
    Path program;

    @Parameters(index = "1..*", paramLabel = "ARG", description = "arguments for the program (after --)")
    List<String> args = new ArrayList<>();

    @Option(names = {"-x", "--commands"}, paramLabel = "FILE", description = "run the monitor commands in FILE first (the first that fails ends the file)")
    Path script;

    @Option(names = "--batch", description = "leave the monitor after the -x file, or without -x after the commands on standard input; never prompt")
    boolean batch;

    @Option(names = "--input", paramLabel = "FILE", description = "the guest's console input when commands come from a script (default: none)")
    Path input;

    @Option(names = "--no-snapshots", description = "take no snapshots: reverse execution re-executes from the boot (what snapshots cost a forward run)")
    boolean noSnapshots;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        system.validate(spec.commandLine());
        disks.validate(spec.commandLine(), system.kernel());
        DiskScratch scratch = null;
        try {
            List<Path> need = new ArrayList<>(List.of(program));
            if (script != null) need.add(script);
            if (input != null) need.add(input);
            CliIo.requireExisting(need);
            List<Launch.Program> programs = Launch.build(List.of(program), system);
            Launch.Program p = programs.get(0);
            ExeDebugInfo info = new ExeDebugInfo(p.executable());
            if (disks.disk != null) {
                if (disks.diskCreate != null) disks.open(system.seed, system.kernel()).close();
                scratch = new DiskScratch(disks.disk);
            }
            DiskScratch disk = scratch;
            boolean terminal = !batch && System.console() != null;
            InputStream guestIn = input != null ? Files.newInputStream(input) : terminal ? System.in : InputStream.nullInputStream();
            OutputStream guestOut = System.out;
            Debugger dbg = new Debugger((in, out) -> {
                Launch.Booted b = Launch.boot(programs, args, system, new Console(out, in), null, disk == null ? null : disk.fresh(), disks.quota());
                b.os().run(0); // puts the first environment on the CPU without running it
                return new OsTarget(b.machine(), b.os(), info);
            }, guestIn, guestOut, noSnapshots ? 0 : Debugger.SNAPSHOT_INTERVAL);
            if (terminal) return interactive(dbg);
            PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(guestOut, StandardCharsets.UTF_8), true);
            Monitor m = new Monitor(dbg, out);
            m.greet();
            if (script != null) m.runFile(script);
            if (!m.quitting() && (!batch || script == null)) {
                m.commands(Monitor.script(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
            }
            return status(m);
        } catch (CliIo.Failure f) {
            return CliIo.fail(err, f);
        } catch (ToolchainException e) {
            return CliIo.report(err, e);
        } catch (BootException e) {
            err.println("exo debug: " + e.getMessage());
            return RunCommand.BOOT_EXIT;
        } catch (IOException e) {
            err.println("exo debug: " + e.getMessage());
            return ExitCodes.IOERR;
        } catch (DiskException e) {
            err.println("exo debug: " + e.getMessage());
            return DiskCommand.exitCode(e.kind);
        } finally {
            if (scratch != null) scratch.close();
        }
    }

    private int interactive(Debugger dbg) throws IOException {
        try (Terminal t = TerminalBuilder.builder().system(true).build()) {
            PrintWriter out = t.writer();
            Monitor m = new Monitor(dbg, out);
            m.greet();
            if (script != null) m.runFile(script);
            if (!m.quitting()) m.commands(new Interactive(t, m, Path.of(System.getProperty("user.home"), ".exo_history")));
            return status(m);
        }
    }

    /** 1 if the -x file failed, or with --batch if any command did; else 0. */
    private int status(Monitor m) {
        m.end();
        return m.scriptErrors() > 0 || batch && m.failures() > 0 ? SCRIPT_FAILED : ExitCodes.OK;
    }

    /** A monitor command in a script failed (see the exit codes in the help). */
    static final int SCRIPT_FAILED = 1;
}
