package exo.jmh;

import exo.emulator.jit.Engines;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import exo.emulator.machine.Engine;
import exo.emulator.machine.Machine;
import exo.emulator.machine.StopReason;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Interpreter against JIT on the same guest loops in one run ({@link GuestLoops}: the mixed
 * ALU/load/store/branch loop of {@link InterpreterBench}, a byte sieve, a bitwise CRC-32, a
 * matrix product). One
 * operation is one guest instruction, so scores are guest instructions per second.
 *
 * <pre>
 * mvn -q -o -DskipTests package -pl tests -am
 * java -jar tests/target/benchmarks.jar -f 1 -wi 3 -i 5 EngineBench
 * java -jar tests/target/benchmarks.jar -f 1 -wi 5 -i 5 -p engine=jit,jit-blocks,jit-calltlb,jit-regarray EngineBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Translations access guest pages raw where jdk.internal.misc is exported (exo.emulator.jit.RawAccess), as under exo run.
@Fork(value = 1, jvmArgsPrepend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineBench {
    static final int BUDGET = 10_000_000;

    /**
     * {@code interp}, {@code jit}, or the JIT with one optimisation off: {@code jit-blocks}
     * (single basic blocks, no loops inside a method), {@code jit-calltlb} (host-cache lookup
     * through a call), {@code jit-regarray} (guest registers in the CPU's array),
     * {@code jit-nosite} (no per-instruction site cache in front of the host cache),
     * {@code jit-checked} (pages accessed through the checked accessors, not raw),
     * {@code jit-checked-nosite} (both).
     */
    @Param({"interp", "jit"})
    public String engine;

    @Param({"mixed", "sieve", "crc32", "matmul"})
    public String workload;

    private Machine machine;

    @Setup(Level.Trial)
    public void setUp() {
        machine = GuestLoops.machine(workload);
        machine.setEngine(create(engine));
    }

    static Engine create(String name) {
        switch (name) {
            case "jit-blocks": return new Jit(JitOptions.DEFAULT.withRegions(false));
            case "jit-calltlb": return new Jit(JitOptions.DEFAULT.withInlineTlb(false));
            case "jit-regarray": return new Jit(JitOptions.DEFAULT.withRegistersInLocals(false));
            case "jit-nosite": return new Jit(JitOptions.DEFAULT.withSiteCache(false));
            case "jit-checked": return new Jit(JitOptions.DEFAULT.withRawAccess(false));
            case "jit-checked-nosite": return new Jit(JitOptions.DEFAULT.withRawAccess(false).withSiteCache(false));
            default: return Engines.create(name);
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        if (machine.engine() instanceof Jit) System.out.print(((Jit) machine.engine()).stats().describe());
    }

    @Benchmark
    @OperationsPerInvocation(BUDGET)
    public int run() {
        StopReason why = machine.run(BUDGET);
        if (why != StopReason.BUDGET) throw new IllegalStateException(workload + " stopped: " + why);
        return machine.cpu.regs[5];
    }
}
