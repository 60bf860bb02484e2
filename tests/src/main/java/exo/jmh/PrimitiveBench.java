package exo.jmh;

import exo.benchmark.GuestBench;
import exo.benchmark.Rows;
import exo.os.GuestOs;
import exo.os.RunResult;
import exo.system.KernelKind;
import exo.toolchain.ToolchainException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host nanoseconds of the primitives where they matter most, under the JIT by default: the
 * exception round trip (store to a read-only page), the protected control transfer (one way)
 * against a pipe message, the TLB miss forwarded to the application, and the Appel & Li trap.
 * Each runs the {@code exo bench} program for the row (guest-programs/bench/) booted once with
 * an endless iteration count and past its set-up; an invocation then runs exactly
 * {@link #OPS} operations' worth of guest instructions (the mean per iteration is measured in
 * set-up from two bounded runs, and is deterministic), so the score is nanoseconds per operation
 * with boot and set-up excluded.
 *
 * <pre>
 * mvn -q -o -DskipTests package -pl tests -am
 * java -jar tests/target/benchmarks.jar -f 1 -wi 3 -i 5 PrimitiveBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PrimitiveBench {
    static final int OPS = 1_000;

    /** KERNEL/PROGRAM/VARIANT, as in {@link Rows}. */
    @Param({"exo/except/3", "mono/except/3", "exo/ipc/0", "mono/ipc/0", "exo/tlb/1", "exo/vm/4", "exo/vm-libos/4", "mono/vm/4"})
    public String row;

    @Param({"jit"})
    public String engine;

    private GuestOs os;
    private long budget;

    @Setup(Level.Trial)
    public void setUp() throws ToolchainException {
        String[] w = row.split("/");
        KernelKind kernel = KernelKind.parse(w[0]);
        Rows.Run run = find(kernel, w[1], Integer.parseInt(w[2]));
        GuestBench bench = new GuestBench(engine);
        int n = 2_000;
        GuestBench.Measurement one = bench.run(kernel, run, n), two = bench.run(kernel, run, 2 * n);
        // The mean over n iterations: loops that wrap around a page set take one more instruction
        // every so often, so an invocation does OPS operations to within one in a few hundred.
        budget = (two.instructions() - one.instructions()) * (OPS / run.opsPerIteration()) / n;
        GuestBench.MarkStream out = new GuestBench.MarkStream();
        os = bench.boot(kernel, run, Integer.MAX_VALUE, out);
        while (out.marks() == 0) os.run(10_000);
        os.run(budget);
    }

    private static Rows.Run find(KernelKind kernel, String program, int variant) {
        for (Rows.Row r : Rows.ALL) {
            Rows.Run run = r.run(kernel);
            if (run != null && run.program().equals(program) && run.variant() == variant) return run;
        }
        throw new IllegalArgumentException("no row runs " + kernel + "/" + program + "/" + variant);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long operation() {
        RunResult r = os.run(budget);
        if (r.reason() != RunResult.Reason.INSTRUCTION_LIMIT) throw new IllegalStateException(row + " stopped: " + r.reason());
        return r.cycles();
    }
}
