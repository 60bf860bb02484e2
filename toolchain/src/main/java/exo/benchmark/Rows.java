package exo.benchmark;

import exo.system.KernelKind;
import java.util.List;

/**
 * The rows {@code exo bench} measures, grouped like the exokernel paper's Tables 4-10. Each row
 * names the benchmark program and variant it runs under each kernel (and on the host, for the
 * rows with a C equivalent), how many iterations, and how many operations one iteration must
 * perform: the runner checks the count each program reports against it.
 */
public final class Rows {
    /** One program run: guest-programs/bench/KERNEL/PROGRAM.s with arguments N and VARIANT. */
    public record Run(String program, int variant, int opsPerIteration) {}

    /**
     * One row of the table.
     *
     * @param table      the paper's table it reproduces
     * @param name       the row's name, as in the paper where it has one
     * @param exo        the exokernel's program
     * @param mono       the baseline's program, or null when Unix has no such operation
     * @param nativeRun  the host C program's variant (native/vm.c), or -1 for none
     * @param iterations iterations of a full run; --quick divides them by {@link #QUICK_DIVISOR}
     */
    public record Row(String table, String name, Run exo, Run mono, int nativeRun, int iterations) {
        /** The program this row runs under kernel, or null if it has none there. */
        public Run run(KernelKind kernel) {
            return kernel == KernelKind.MONO ? mono : exo;
        }

        public int iterations(boolean quick) {
            return quick ? Math.max(2, iterations / QUICK_DIVISOR) : iterations;
        }
    }

    public static final int QUICK_DIVISOR = 100;
    /** The matrix size of the matmul row. */
    public static final int MATMUL_SIZE = 48;

    static final String T4 = "Table 4: null kernel call";
    static final String T5 = "Table 5: exception dispatch, round trip";
    static final String T5B = "Section 5.4: TLB miss";
    static final String T5D = "Section 5.4: downloaded code, a misaligned lw emulated on the library OS";
    static final String T6 = "Tables 6 and 8: control transfer and IPC";
    static final String T9 = "Table 9: compute";
    static final String T10 = "Table 10: virtual memory (Appel & Li), on the kernel's primitives";
    static final String T10L = "Table 10: virtual memory (Appel & Li), on the library OS";

    private static Run run(String program, int variant) {
        return new Run(program, variant, 1);
    }

    /** Every row, in the order printed. */
    public static final List<Row> ALL = List.of(
            new Row(T4, "null call", run("null", 0), run("null", 0), 0, 200_000),
            new Row(T5, "unalign", run("except", 0), run("except", 0), -1, 100_000),
            new Row(T5, "overflow", run("except", 1), run("except", 1), -1, 100_000),
            new Row(T5, "divzero", run("except", 2), run("except", 2), -1, 100_000),
            new Row(T5, "prot", run("except", 3), run("except", 3), -1, 100_000),
            new Row(T5, "break", run("except", 4), run("except", 4), -1, 100_000),
            new Row(T5B, "miss filled in kernel", run("tlb", 0), run("tlb", 0), -1, 200_000),
            new Row(T5B, "miss to application", run("tlb", 1), null, -1, 100_000),
            new Row(T5B, "miss to library OS", run("vm-libos", 7), null, -1, 100_000),
            new Row(T5B, "miss to downloaded code", run("vm-libos", 9), null, -1, 100_000),
            new Row(T5D, "unalign, library OS", run("unalign-libos", 0), run("unalign", 0), -1, 100_000),
            new Row(T5D, "unalign, downloaded", run("unalign-libos", 1), run("unalign", 0), -1, 100_000),
            new Row(T6, "one-way transfer", new Run("ipc", 0, 2), new Run("ipc", 0, 2), -1, 100_000),
            new Row(T6, "rpc round trip", run("ipc", 1), run("ipc", 1), -1, 100_000),
            new Row(T9, "matmul " + MATMUL_SIZE + "x" + MATMUL_SIZE, run("matmul", MATMUL_SIZE), run("matmul", MATMUL_SIZE), -1, 20),
            new Row(T10, "dirty", run("vm", 0), null, -1, 200_000),
            new Row(T10, "prot1", new Run("vm", 1, 2), new Run("vm", 1, 2), 1, 50_000),
            new Row(T10, "prot100", run("vm", 2), run("vm", 2), 2, 1_000),
            new Row(T10, "unprot100", run("vm", 3), run("vm", 3), 3, 1_000),
            new Row(T10, "trap", run("vm", 4), run("vm", 4), 4, 50_000),
            new Row(T10, "appel1", run("vm", 5), run("vm", 5), 5, 50_000),
            new Row(T10, "appel2", new Run("vm", 6, 100), new Run("vm", 6, 100), 6, 500),
            new Row(T10L, "libos dirty", run("vm-libos", 0), null, -1, 200_000),
            new Row(T10L, "libos prot1", new Run("vm-libos", 1, 2), new Run("vm", 1, 2), 1, 50_000),
            new Row(T10L, "libos prot100", run("vm-libos", 2), run("vm", 2), 2, 1_000),
            new Row(T10L, "libos unprot100", run("vm-libos", 3), run("vm", 3), 3, 1_000),
            new Row(T10L, "libos trap", run("vm-libos", 4), run("vm", 4), 4, 50_000),
            new Row(T10L, "libos trap, full frame", run("vm-libos", 8), run("vm", 4), 4, 50_000),
            new Row(T10L, "libos appel1", run("vm-libos", 5), run("vm", 5), 5, 50_000),
            new Row(T10L, "libos appel2", new Run("vm-libos", 6, 100), new Run("vm", 6, 100), 6, 500),
            new Row(T10L, "libos trap, downloaded", run("vm-libos", 10), run("vm", 4), 4, 50_000),
            new Row(T10L, "libos appel1, downloaded", run("vm-libos", 11), run("vm", 5), 5, 50_000),
            new Row(T10L, "libos appel2, downloaded", new Run("vm-libos", 12, 100), new Run("vm", 6, 100), 6, 500));

    private Rows() {}
}
