package exo.monitor;

import exo.emulator.machine.Machine;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A booted system the monitor drives: the machine with its kernel attached, the program's debug
 * information, and the kernel's own views (environments, page ownership, STLB, time slices).
 */
public interface DebugTarget {
    Machine machine();

    DebugInfo debugInfo();

    /** Named views the kernel offers, each rendering its current state as text. */
    Map<String, Supplier<String>> kernelViews();

    /** How the kernel filled the last TLB miss it resolved itself, when it says ("downloaded handler"), or null. */
    default String resolvedBy() {
        return null;
    }

    /**
     * Describes which exception handler a trap was delivered to, after the kernel handled it:
     * a function of the {@link #context} and the PC alone (the monitor keeps what it said).
     */
    default String deliveredTo(int pcAfterTrap) {
        String s = debugInfo().describe(pcAfterTrap);
        return String.format("0x%08x", pcAfterTrap) + (s == null ? "" : " <" + s + ">");
    }

    /**
     * The physical address virtual address va has in the current environment, or a negative
     * number if it has none. Reads nothing into the TLB and changes no state. The default
     * consults only the hardware TLB; a kernel overrides it to include the bindings it keeps
     * (its STLB, guaranteed mappings), so the monitor can show memory the TLB does not hold now.
     */
    default int translate(int va) {
        return machine().mmu.peek(va, exo.emulator.machine.Mmu.LOAD);
    }

    /** Who is running now, for the trap log (e.g. {@code env 2}); empty if there is one program. */
    default String context() {
        return "";
    }

    /** The kernel, for a trace started from the monitor; null if the target has none. */
    default exo.os.GuestOs os() {
        return null;
    }

    /** What ended the run, once the machine has halted (e.g. {@code exited with status 0}). */
    default String exitSummary() {
        return "the machine halted";
    }

    /**
     * Boots the same program afresh. Determinism makes this the basis of reverse execution:
     * the same boot with the same console input replays the same execution.
     */
    @FunctionalInterface
    interface Factory {
        DebugTarget boot(InputStream consoleIn, OutputStream consoleOut);
    }
}
