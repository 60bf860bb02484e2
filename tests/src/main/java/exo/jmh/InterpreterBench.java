package exo.jmh;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.StopReason;
import exo.emulator.machine.Tlb;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Interpreter throughput on a CPU-bound guest loop. One JMH operation is one guest instruction,
 * so the score reads directly as guest instructions per second.
 *
 * <p>The loop walks two data pages word by word: a load and a store through the TLB (host cache
 * hits after the first touch), shifts, add/sub/xor/and, a data-dependent branch and the loop
 * branch, about 12 instructions per iteration:
 *
 * <pre>
 *         lui   s0, 1              # s0 = 0x10000, the data pages
 *         addi  t5, zero, 0x2000   # two pages of words
 * outer:  addi  t0, zero, 0
 * loop:   add   t2, s0, t0
 *         lw    t3, 0(t2)
 *         addi  t3, t3, 7
 *         xor   t4, t3, t0
 *         sw    t4, 0(t2)
 *         slli  t6, t3, 3
 *         sub   t1, t1, t6
 *         andi  t6, t1, 2
 *         beq   t6, zero, skip
 *         addi  t7, t7, 1
 * skip:   addi  t0, t0, 4
 *         bne   t0, t5, loop
 *         jal   zero, outer
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InterpreterBench {
    /** Guest instructions per benchmark invocation. */
    static final int BUDGET = 10_000_000;
    static final int CODE = 0x1000;
    static final int DATA = 0x10000;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Machine machine;
    private final Interpreter interpreter = new Interpreter();

    /** The loop above, as instruction words. */
    static int[] mixedLoop() {
        int s0 = Register.S0, zero = Register.ZERO;
        int t0 = Register.T0, t1 = t0 + 1, t2 = t0 + 2, t3 = t0 + 3, t4 = t0 + 4, t5 = t0 + 5, t6 = t0 + 6, t7 = t0 + 7;
        return new int[] {
            Opcode.LUI.encode(s0, DATA >>> 16),
            Opcode.ADDI.encode(t5, zero, 0x2000),
            Opcode.ADDI.encode(t0, zero, 0),           // outer (2)
            Opcode.ADD.encode(t2, s0, t0),             // loop (3)
            Opcode.LW.encode(t3, 0, t2),
            Opcode.ADDI.encode(t3, t3, 7),
            Opcode.XOR.encode(t4, t3, t0),
            Opcode.SW.encode(t4, 0, t2),
            Opcode.SLLI.encode(t6, t3, 3),
            Opcode.SUB.encode(t1, t1, t6),
            Opcode.ANDI.encode(t6, t1, 2),
            Opcode.BEQ.encode(t6, zero, 2 * 4),        // to skip (13)
            Opcode.ADDI.encode(t7, t7, 1),
            Opcode.ADDI.encode(t0, t0, 4),             // skip (13)
            Opcode.BNE.encode(t0, t5, (3 - 14) * 4),   // to loop
            Opcode.JAL.encode(zero, (2 - 15) * 4),     // to outer
        };
    }

    /** A machine with the loop loaded and mapped; any trap is a broken benchmark. */
    static Machine newMachine() {
        Machine m = new Machine(16 << 20, 1, new Console(OutputStream.nullOutputStream(), InputStream.nullInputStream()));
        m.setTrapHandler((mm, cause, epc, bad) -> {
            throw new IllegalStateException("benchmark loop trapped: " + cause + " at 0x" + Integer.toHexString(epc));
        });
        int[] code = mixedLoop();
        for (int i = 0; i < code.length; i++) m.memory.writeWord(CODE + 4 * i, code[i]);
        m.tlb.write(0, Pages.number(CODE), 0, Pages.number(CODE), Tlb.VALID | Tlb.EXECUTABLE);
        m.tlb.write(1, Pages.number(DATA), 0, Pages.number(DATA), Tlb.VALID | Tlb.WRITABLE);
        m.tlb.write(2, Pages.number(DATA) + 1, 0, Pages.number(DATA) + 1, Tlb.VALID | Tlb.WRITABLE);
        m.cpu.pc = CODE;
        return m;
    }

    @Setup(Level.Trial)
    public void setUp() {
        machine = newMachine();
        machine.setEngine(interpreter);
    }

    private long cpuAtStart, instretAtStart;

    @Setup(Level.Iteration)
    public void startIteration() {
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
        instretAtStart = machine.cpu.instret;
    }

    /**
     * Also prints guest instructions per second of this thread's CPU time: on a shared machine
     * the wall-clock score falls with other load, this figure much less.
     */
    @TearDown(Level.Iteration)
    public void endIteration() {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
        if (cpu > 0) {
            System.out.printf("  [%.1f M guest instr per CPU-second]%n", (machine.cpu.instret - instretAtStart) * 1e3 / cpu);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BUDGET)
    public long interpreter() {
        StopReason why = machine.run(BUDGET);
        if (why != StopReason.BUDGET) throw new IllegalStateException("benchmark loop stopped: " + why);
        return machine.cpu.regs[Register.T0 + 1];
    }
}
