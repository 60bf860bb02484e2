package exo.monitor;

import exo.emulator.machine.Machine;
import exo.kernel.Kernel;
import exo.kernel.env.Environment;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The exokernel as the monitor sees it: the kernel's own views (environments and handlers, page
 * ownership, STLB, time slices), translation through the current environment's bindings, and
 * the environment each trap was delivered to. Reads kernel state only; never charges cycles.
 */
public final class KernelTarget implements DebugTarget {
    private final Machine machine;
    private final Kernel kernel;
    private final DebugInfo info;

    public KernelTarget(Machine machine, Kernel kernel, DebugInfo info) {
        this.machine = machine;
        this.kernel = kernel;
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
    public String context() {
        Environment e = kernel.current();
        return e == null ? "-" : "env " + e.id;
    }

    @Override
    public String exitSummary() {
        StringBuilder sb = new StringBuilder();
        for (String line : kernel.log()) sb.append(line).append('\n');
        for (Environment e : kernel.booted()) {
            if (e.end == Environment.End.KILLED) continue;
            sb.append(e).append(e.end == Environment.End.RUNNING ? " still running" : " exited with status " + e.exitStatus).append('\n');
        }
        return sb.toString().strip();
    }

    /** Current environment's binding of va: hardware TLB, then STLB, then guaranteed mappings. */
    @Override
    public int translate(int va) {
        return kernel.peek(va);
    }

    @Override
    public String deliveredTo(int pc) {
        Environment e = kernel.current();
        String where = DebugTarget.super.deliveredTo(pc);
        return e == null ? where : "env " + e.id + " " + where;
    }

    @Override
    public Map<String, Supplier<String>> kernelViews() {
        return kernel.views.all();
    }
}
