package exo.monitor;

import exo.emulator.machine.Machine;
import exo.os.GuestOs;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A kernel as the monitor sees it, either one: its own views (the exokernel's environments,
 * pages, STLB and slices; the baseline's process table), translation through the current
 * program's bindings, and who was on the CPU at each trap. Reads kernel state only; never charges
 * cycles.
 */
public final class OsTarget implements DebugTarget {
    private final Machine machine;
    private final GuestOs os;
    private final DebugInfo info;

    public OsTarget(Machine machine, GuestOs os, DebugInfo info) {
        this.machine = machine;
        this.os = os;
        this.info = info;
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public DebugInfo debugInfo() {
        return info;
    }

    @Override
    public GuestOs os() {
        return os;
    }

    @Override
    public String context() {
        return os.context();
    }

    @Override
    public String exitSummary() {
        return String.join("\n", os.summary());
    }

    @Override
    public int translate(int va) {
        return os.peek(va);
    }

    @Override
    public String resolvedBy() {
        return os.lastRefill();
    }

    @Override
    public String deliveredTo(int pc) {
        String who = os.context();
        String where = DebugTarget.super.deliveredTo(pc);
        return who.equals("-") ? where : who + " " + where;
    }

    @Override
    public Map<String, Supplier<String>> kernelViews() {
        return os.views();
    }
}
