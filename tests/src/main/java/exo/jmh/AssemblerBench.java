package exo.jmh;

import exo.toolchain.SourceFile;
import exo.toolchain.ToolchainException;
import exo.toolchain.asm.Assembler;
import exo.toolchain.obj.ObjectFile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Assembler throughput on a generated 100,000-line source. One JMH operation is one source
 * line, so the score reads as source lines per second (target: above 500,000).
 *
 * <p>The source is what people write: functions of labels, comments, blank lines, register
 * arithmetic, loads and stores, branches to numeric local labels and named labels (backward
 * and forward), calls, {@code li}/{@code la}, push/pop, a macro, {@code .equ} constants, and
 * data directives with strings and symbol arithmetic.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 6, time = 2)
@Measurement(iterations = 5, time = 2)
public class AssemblerBench {
    static final int LINES = 100_000;

    private SourceFile source;

    /** A program of exactly {@code lines} lines (the last function may be cut short). */
    static String generate(int lines) {
        StringBuilder sb = new StringBuilder(lines * 24);
        int[] count = {0};
        java.util.function.Consumer<String> line = s -> {
            if (count[0]++ < lines) sb.append(s).append('\n');
        };
        line.accept("# Generated for AssemblerBench.");
        line.accept(".equ BUF_SIZE, 256");
        line.accept(".macro clamp reg, lo=0, hi=255");
        line.accept("        blt \\reg, zero, 1f");
        line.accept("        slti t9, \\reg, \\hi + 1");
        line.accept("        bnez t9, 2f");
        line.accept("1:      li \\reg, \\lo");
        line.accept("2:");
        line.accept(".endm");
        line.accept(".text");
        for (int f = 0; count[0] < lines; f++) {
            line.accept("");
            line.accept("        .globl fn" + f);
            line.accept("fn" + f + ":                      # function " + f);
            line.accept("        push ra, s0, s1");
            line.accept("        mv s0, a0");
            line.accept("        li s1, " + (f * 7919 % 100_000));
            line.accept("        la t0, table" + (f % 64));
            line.accept("1:      lw t1, 4(t0)");
            line.accept("        add t2, t1, s0");
            line.accept("        xor t3, t2, s1");
            line.accept("        slli t4, t3, 3");
            line.accept("        sw t4, 8(t0)");
            line.accept("        addi s0, s0, -1");
            line.accept("        bnez s0, 1b");
            line.accept("        clamp t4");
            line.accept("        andi t5, t4, 0xff");
            line.accept("        beq t5, zero, .Ldone" + f);
            line.accept("        sltu t6, t5, s1");
            line.accept("        call fn" + (f / 2));
            line.accept(".Ldone" + f + ":");
            line.accept("        mv a0, s1");
            line.accept("        pop ra, s0, s1");
            line.accept("        ret");
        }
        sb.append(".data\n");
        for (int t = 0; t < 64; t++) sb.append("table").append(t).append(": .word ").append(t).append(", table").append(t).append(" + 4, BUF_SIZE * 2\n");
        sb.append("msg: .asciz \"result: %d\\n\"\n");
        return sb.toString();
    }

    @Setup
    public void setUp() {
        source = SourceFile.of("bench.s", generate(LINES));
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public ObjectFile assemble() throws ToolchainException {
        return Assembler.assemble(source);
    }

    /**
     * A quick measurement without the JMH harness:
     * {@code java -cp tests/target/benchmarks.jar exo.bench.AssemblerBench}.
     */
    public static void main(String[] args) throws Exception {
        AssemblerBench b = new AssemblerBench();
        b.setUp();
        for (int i = 0; i < 20; i++) b.assemble();
        int runs = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) b.assemble();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%,.0f source lines/s (%d runs of %,d lines)%n", runs * (double) LINES / seconds, runs, LINES);
    }
}
