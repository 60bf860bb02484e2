package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Engine;
import exo.kernel.abi.KernelCall;
import exo.os.KernelOptions;
import exo.os.RunResult;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The kernel on the interpreter and on the JIT: same output, same exit statuses, same
 * instruction and cycle counts (timer interrupts land on the same instruction), same stats.
 */
class EngineAgreementTest {
    record Outcome(String console, List<Integer> statuses, long instructions, long cycles, long kernelCycles, long switches) {}

    static Outcome run(Engine engine, List<Supplier<Guest>> programs, byte[] input) {
        Boot b = new Boot(KernelOptions.defaults().withPrefixOutput(programs.size() > 1), engine, input);
        for (Supplier<Guest> g : programs) b.boot(g.get());
        RunResult r = b.kernel.run(20_000_000);
        return new Outcome(b.console(), r.programs().stream().map(RunResult.Program::exitStatus).toList(),
                r.instructions(), r.cycles(), r.kernelCycles(), r.stats().contextSwitches);
    }

    static void agree(List<Supplier<Guest>> programs, byte[] input) {
        assertEquals(run(new Interpreter(), programs, input), run(new Jit(), programs, input));
    }

    @Test
    void slicesAndOutputAgree() {
        agree(List.of(() -> SchedulerTest.printer("a", "a\n", 4, 12_345), () -> SchedulerTest.printer("b", "b\n", 3, 23_456)), new byte[0]);
    }

    @Test
    void forwardingAndTheStlbAgree() {
        agree(List.of(() -> ForwardingTest.counting(Cause.OVERFLOW, Opcode.ADDIO.encode(Guest.T1, exo.emulator.isa.Register.T0, 1), 50),
                () -> StlbTest.manyPages(90)), new byte[0]);
    }

    @Test
    void transfersAgree() {
        agree(List.of(() -> TransferTest.caller(KernelCall.PCT_SYNC), () -> TransferTest.callee(1)), new byte[0]);
    }

    @Test
    void consoleInputIsReadIntoTheBuffer() {
        Supplier<Guest> echo = () -> {
            Guest g = new Guest("echo");
            int buf = g.space(16);
            g.li(A0, buf).li(A1, 16).sys(KernelCall.CONS_READ);
            g.mv(A1, A0).li(A0, buf).sys(KernelCall.CONS_WRITE);
            return g.sys(KernelCall.ENV_EXIT);
        };
        Outcome o = run(new Interpreter(), List.of(echo), "hi there\nmore".getBytes());
        assertEquals("hi there\n", o.console());
        assertEquals(List.of(9), o.statuses());
        agree(List.of(echo), "hi there\nmore".getBytes());
    }
}
