package exo.monitor;

import exo.emulator.machine.Machine;
import exo.emulator.machine.PhysicalMemory;
import exo.emulator.machine.Tlb;
import exo.kernel.Kernel;
import exo.kernel.env.Environment;
import exo.kernel.env.KernelEvent;
import exo.kernel.mem.Stlb;
import exo.kernel.sched.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The exokernel as the monitor sees it: environments and their handlers, page ownership, the
 * STLB, the time-slice vector; translation through the current environment's bindings; and
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
            if (sb.length() > 0 && e.end == Environment.End.KILLED) continue;
            sb.append(e).append(e.end == Environment.End.RUNNING ? " still running" : " exited with status " + e.exitStatus).append('\n');
        }
        return sb.toString().strip();
    }

    /** Current environment's binding of va: hardware TLB, then STLB, then guaranteed mappings. */
    @Override
    public int translate(int va) {
        Environment e = kernel.current();
        if (e == null) return -1;
        int vpn = va >>> PhysicalMemory.PAGE_SHIFT;
        int ppn = -1;
        int slot = machine.tlb.lookup(vpn, e.asid);
        if (slot >= 0) {
            ppn = machine.tlb.pfn(slot);
        } else {
            int line = kernel.stlb.lookup(vpn, e.id, e.stlbEpoch, kernel.pages);
            if (line >= 0) ppn = kernel.stlb.ppn(line);
            else if (e.guaranteed.get(vpn) != null) ppn = e.guaranteed.get(vpn).ppn();
        }
        if (ppn < 0 || ppn >= machine.memory.pages()) return -1;
        return ppn << PhysicalMemory.PAGE_SHIFT | (va & PhysicalMemory.PAGE_MASK);
    }

    @Override
    public String deliveredTo(int pc) {
        Environment e = kernel.current();
        String where = DebugTarget.super.deliveredTo(pc);
        return e == null ? where : "env " + e.id + " " + where;
    }

    @Override
    public Map<String, Supplier<String>> kernelViews() {
        Map<String, Supplier<String>> v = new LinkedHashMap<>();
        v.put("envs", this::environments);
        v.put("pages", this::pages);
        v.put("stlb", this::stlb);
        v.put("slices", this::slices);
        return v;
    }

    private String environments() {
        StringBuilder sb = new StringBuilder();
        for (Environment e : kernel.environments()) {
            sb.append(String.format("%s%s  asid %d  parent %d  pages %d/%d  slots %d  guaranteed %d%n", e == kernel.current() ? "* " : "  ", e, e.asid,
                    e.parent, e.pages, e.pageLimit, e.slots, e.guaranteed.size()));
            sb.append(String.format("    save area 0x%08x  prologue 0x%08x  epilogue 0x%08x  ipc 0x%08x%n", e.saveArea, e.prologue, e.epilogue, e.ipcEntry));
            StringBuilder h = new StringBuilder();
            for (int c = 0; c < Environment.EVENTS; c++) {
                if (e.handler[c] != 0) h.append(String.format(" %s=0x%x", KernelEvent.name(c), e.handler[c]));
            }
            sb.append("    handlers").append(h.length() == 0 ? " none (every exception is fatal)" : h).append('\n');
        }
        return sb.length() == 0 ? "no live environments\n" : sb.toString();
    }

    private String pages() {
        StringBuilder sb = new StringBuilder(String.format("%d pages, %d free%n", kernel.pages.pages(), kernel.pages.freePages()));
        Map<Integer, StringBuilder> byOwner = new LinkedHashMap<>();
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int p = 0; p < kernel.pages.pages(); p++) {
            int owner = kernel.pages.owner(p);
            if (owner == 0) continue;
            counts.merge(owner, 1, Integer::sum);
            StringBuilder l = byOwner.computeIfAbsent(owner, o -> new StringBuilder());
            if (counts.get(owner) <= 24) l.append(' ').append(Integer.toHexString(p)).append(kernel.pages.pinned(p) ? "(pinned)" : "");
        }
        for (Map.Entry<Integer, StringBuilder> o : byOwner.entrySet()) {
            Environment e = kernel.env(o.getKey());
            sb.append(String.format("  %s: %d pages:%s%s%n", e == null ? "env " + o.getKey() : e, counts.get(o.getKey()), o.getValue(),
                    counts.get(o.getKey()) > 24 ? " ..." : ""));
        }
        return sb.toString();
    }

    private String stlb() {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int line = 0; line < Stlb.ENTRIES; line++) {
            int env = kernel.stlb.env(line);
            if (env == 0) continue;
            Environment e = kernel.env(env);
            boolean live = e != null && kernel.stlb.lookup(kernel.stlb.vpn(line), env, e.stlbEpoch, kernel.pages) == line;
            if (!live) continue;
            n++;
            if (n <= 64) {
                sb.append(String.format("  line %4d  env %-6d vaddr 0x%08x -> paddr 0x%08x  %s%n", line, env, kernel.stlb.vpn(line) << 12,
                        kernel.stlb.ppn(line) << 12, Tlb.flagString(kernel.stlb.flags(line))));
            }
        }
        return String.format("%d live bindings of %d lines%s%n", n, Stlb.ENTRIES, n > 64 ? " (first 64 shown)" : "") + sb;
    }

    private String slices() {
        StringBuilder sb = new StringBuilder();
        int cur = kernel.scheduler.currentSlot();
        for (int s = 0; s < Scheduler.SLOTS; s++) {
            Environment o = kernel.scheduler.owner(s);
            if (o != null) sb.append(String.format("  %sslot %2d  %s%n", s == cur ? "* " : "  ", s, o));
        }
        int free = 0;
        for (int s = 0; s < Scheduler.SLOTS; s++) if (kernel.scheduler.owner(s) == null) free++;
        return sb + String.format("%d of %d slots free; timer at cycle %s%n", free, Scheduler.SLOTS,
                machine.cpu.timerArmed() ? String.valueOf(machine.cpu.timerCompare) : "off");
    }
}
