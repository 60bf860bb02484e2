package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.benchmark.GuestBench;
import exo.benchmark.Rows;
import exo.system.KernelKind;
import exo.toolchain.ToolchainException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every benchmark program under both kernels: it does the operation exactly as many times as
 * asked (GuestBench checks the count the program reports, which its handlers and loops count
 * themselves), and its guest cycles are identical across runs and across engines.
 */
class BenchProgramsTest {
    static Stream<Rows.Row> rows() {
        return Rows.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void countsAndDeterminism(Rows.Row row) throws ToolchainException {
        int n = row.iterations(true);
        GuestBench jit = new GuestBench("jit"), interp = new GuestBench("interp");
        for (KernelKind kernel : KernelKind.values()) {
            Rows.Run run = row.run(kernel);
            if (run == null) continue;
            GuestBench.Measurement a = jit.run(kernel, run, n);
            GuestBench.Measurement b = jit.run(kernel, run, n);
            GuestBench.Measurement c = interp.run(kernel, run, n);
            assertEquals((long) n * run.opsPerIteration(), a.ops(), kernel.id);
            assertTrue(a.cycles() > 0 && a.nanos() > 0, kernel.id);
            assertEquals(a.cycles(), b.cycles(), kernel + ": two runs");
            assertEquals(a.cycles(), c.cycles(), kernel + ": jit vs interp");
            // Twice the iterations, about twice the cycles: the windows hold the operations only.
            GuestBench.Measurement d = interp.run(kernel, run, 2 * n);
            double perOp = (double) a.cycles() / a.ops(), perOp2 = (double) d.cycles() / d.ops();
            assertEquals(perOp, perOp2, perOp * 0.05, kernel + ": cycles per operation do not depend on N");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void aMiscountIsCaught(Rows.Row row) {
        // Asking for one more operation per iteration than the program does must fail loudly.
        Rows.Run wrong = new Rows.Run(row.exo().program(), row.exo().variant(), row.exo().opsPerIteration() + 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new GuestBench("interp").run(KernelKind.EXO, wrong, 2));
        assertTrue(e.getMessage().contains("operations, not"), e.getMessage());
    }
}
