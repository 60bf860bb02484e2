package exo.os;

import java.util.List;

/**
 * What {@link GuestOs#run} reports: why it stopped, each booted program's fate and output,
 * and the statistics.
 *
 * @param reason       why the run ended
 * @param programs     one entry per booted program, in boot order
 * @param instructions instructions retired
 * @param cycles       guest cycles (user instructions plus kernel charges)
 * @param kernelCycles cycles charged by the kernel's cost model
 * @param stats        the counters behind {@code --stats}
 */
public record RunResult(Reason reason, List<Program> programs, long instructions, long cycles, long kernelCycles, Stats stats) {
    public enum Reason {
        /** Every environment exited or was destroyed. */
        ALL_DONE,
        /** The instruction limit was reached with environments still running. */
        INSTRUCTION_LIMIT,
        /** Environments remain but none holds a time slice, so none can run. */
        NO_RUNNABLE,
        /** A debugger or trap observer stopped the machine. */
        STOPPED
    }

    /**
     * One booted program's outcome.
     *
     * @param exitStatus its exit status; 128 + the event code if the kernel destroyed it
     * @param diagnostic why the kernel destroyed it (every fault involved), or null
     * @param output     everything it wrote to the console
     */
    public record Program(String name, int envId, boolean finished, boolean killed, int exitStatus, String diagnostic, String output) {}

    /** The exit status of the first program (the process's exit code for a single program). */
    public int exitStatus() {
        return programs.isEmpty() ? 0 : programs.get(0).exitStatus();
    }

    /** A clear one-line message for a run that did not finish, or null. */
    public String problem() {
        switch (reason) {
            case INSTRUCTION_LIMIT: return "stopped after " + instructions + " instructions: the --max-instructions limit was reached before every environment exited";
            case NO_RUNNABLE: return "stopped: environments remain but none holds a time slice";
            case STOPPED: return "stopped on request";
            default: return null;
        }
    }

    /** The --stats report. */
    public String statsReport() {
        return stats.report(instructions, cycles, kernelCycles);
    }
}
