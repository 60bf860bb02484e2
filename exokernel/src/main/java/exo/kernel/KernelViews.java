package exo.kernel;

import exo.emulator.machine.Tlb;
import exo.kernel.disk.Blocks;
import exo.kernel.env.Environment;
import exo.kernel.env.Environments;
import exo.kernel.env.KernelEvent;
import exo.kernel.mem.PageOwners;
import exo.kernel.mem.Stlb;
import exo.kernel.sched.Scheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Text views of the kernel's state for the monitor and tests: environments, page ownership,
 * the STLB, time slices, and with a disk its requests and block owners. Reading them charges nothing and changes nothing.
 */
public final class KernelViews {
    private final Environments envs;
    private final PageOwners pages;
    private final Stlb stlb;
    private final Scheduler scheduler;
    private final Blocks blocks;

    KernelViews(Environments envs, PageOwners pages, Stlb stlb, Scheduler scheduler, Blocks blocks) {
        this.envs = envs;
        this.blocks = blocks;
        this.pages = pages;
        this.stlb = stlb;
        this.scheduler = scheduler;
    }

    /** The views by name, in display order. */
    public Map<String, Supplier<String>> all() {
        Map<String, Supplier<String>> m = new LinkedHashMap<>();
        m.put("envs", this::environments);
        m.put("pages", this::pages);
        m.put("stlb", this::stlb);
        m.put("slices", this::slices);
        if (blocks.owners() != null) m.put("disk", blocks::describe);   // only with a disk: the views without one stay as they were
        return m;
    }

    /** One line per live environment, then its handlers and entry points. */
    public String environments() {
        StringBuilder b = new StringBuilder();
        for (Environment e : envs.all()) {
            b.append(String.format("%s%s asid %d parent %d: %d pages (limit %d), %d slots, %d guaranteed, excess %d%n",
                    e == envs.current() ? "* " : "  ", e, e.asid, e.parent, e.pages, e.pageLimit, e.slots, e.guaranteed.size(), e.excess));
            if (e.saveArea != 0) b.append(String.format("    save area 0x%08x%n", e.saveArea));
            for (int c = 0; c < Environment.EVENTS; c++) {
                if (e.handler[c] != 0) b.append(String.format("    %-10s -> %s%n", KernelEvent.name(c), e.describe(e.handler[c])));
            }
            if (e.prologue != 0) b.append("    prologue   -> ").append(e.describe(e.prologue)).append('\n');
            if (e.epilogue != 0) b.append("    epilogue   -> ").append(e.describe(e.epilogue)).append('\n');
            if (e.ipcEntry != 0) b.append("    ipc entry  -> ").append(e.describe(e.ipcEntry)).append('\n');
            if (e.revokePpn != Environment.NO_PAGE) b.append("    asked to give back page ").append(e.revokePpn).append('\n');
        }
        return b.length() == 0 ? "no environments\n" : b.toString();
    }

    /** Owned pages as runs: {@code ppn-ppn  env N  (pinned)}. */
    public String pages() {
        StringBuilder b = new StringBuilder();
        int n = pages.pages();
        for (int p = 0; p < n; ) {
            int owner = pages.owner(p);
            boolean pinned = pages.pinned(p);
            int q = p;
            while (q + 1 < n && pages.owner(q + 1) == owner && pages.pinned(q + 1) == pinned) q++;
            if (owner != 0) b.append(String.format("%6d-%-6d env %d%s%n", p, q, owner, pinned ? " (pinned)" : ""));
            p = q + 1;
        }
        b.append(String.format("%d of %d pages free%n", pages.freePages(), n));
        return b.toString();
    }

    /** Live STLB bindings (lines whose environment, epoch and page generation still match). */
    public String stlb() {
        StringBuilder b = new StringBuilder();
        int live = 0;
        for (int line = 0; line < Stlb.ENTRIES; line++) {
            int id = stlb.env(line);
            Environment e = id == 0 ? null : envs.get(id);
            if (e == null || stlb.lookup(stlb.vpn(line), id, e.stlbEpoch, pages) != line) continue;
            if (++live <= 64) {
                b.append(String.format("line %4d  env %d  vpn 0x%05x -> ppn 0x%05x %s%n", line, id, stlb.vpn(line), stlb.ppn(line),
                        Tlb.flagString(stlb.flags(line))));
            }
        }
        return b + String.format("%d live bindings in %d lines%s%n", live, Stlb.ENTRIES, live > 64 ? " (first 64 shown)" : "");
    }

    /** The 64-slot vector, the running slot marked. */
    public String slices() {
        StringBuilder b = new StringBuilder();
        for (int s = 0; s < Scheduler.SLOTS; s++) {
            Environment e = scheduler.owner(s);
            if (e != null) b.append(String.format("%s slot %2d  %s%n", s == scheduler.currentSlot() ? "*" : " ", s, e));
        }
        return b.length() == 0 ? "no slot is allocated\n" : b.toString();
    }
}
