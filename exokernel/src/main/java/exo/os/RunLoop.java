package exo.os;

import exo.emulator.machine.Cpu;
import exo.emulator.machine.Machine;
import exo.emulator.machine.StopReason;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The run loop both kernels share ({@link GuestOs#run}): put a program on the CPU if nobody is
 * on it, let the machine run until the limit, a stop or a halt, write out what programs left
 * unfinished on the console, and report.
 */
public final class RunLoop {
    private final Machine machine;
    private final Cpu cpu;
    private final CostModel cost;
    private final Stats stats;
    private final OutputLines lines;
    private final BooleanSupplier onCpu;
    private final BooleanSupplier anyAlive;
    private final Supplier<List<RunResult.Program>> outcomes;

    /**
     * @param onCpu    puts the first program that can run on the CPU unless one is on it
     *                 already; false if none can run (the machine halts)
     * @param anyAlive whether any program has not ended: a halted machine with programs left
     *                 stopped for want of something to run
     * @param outcomes each booted program's outcome so far, in boot order
     */
    public RunLoop(Machine machine, CostModel cost, Stats stats, OutputLines lines, BooleanSupplier onCpu, BooleanSupplier anyAlive,
                   Supplier<List<RunResult.Program>> outcomes) {
        this.machine = machine;
        this.cpu = machine.cpu;
        this.cost = cost;
        this.stats = stats;
        this.lines = lines;
        this.onCpu = onCpu;
        this.anyAlive = anyAlive;
        this.outcomes = outcomes;
    }

    /** Runs until every program has ended, maxInstructions more are retired, or the machine is stopped. */
    public RunResult run(long maxInstructions) {
        if (!machine.isHalted() && !onCpu.getAsBoolean()) machine.halt();
        StopReason why = machine.isHalted() ? StopReason.HALTED : machine.run(maxInstructions);
        if (stats.tracer != null) stats.tracer.pause();
        lines.flushAll();
        RunResult.Reason reason;
        if (why == StopReason.BUDGET) reason = RunResult.Reason.INSTRUCTION_LIMIT;
        else if (why == StopReason.STOPPED) reason = RunResult.Reason.STOPPED;
        else reason = anyAlive.getAsBoolean() ? RunResult.Reason.NO_RUNNABLE : RunResult.Reason.ALL_DONE;
        return new RunResult(reason, outcomes.get(), cpu.instret, cpu.cycles, cost.kernelCycles(), stats);
    }
}
