package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The monolithic baseline end to end, as a table: each program under tests/.../mono, its exit
 * status, and what the kernel must say on standard error, under both engines.
 */
class MonoKernelTest {
    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("signals.s", 38, ""),
                Arguments.of("mprotect.s", 42, ""),
                Arguments.of("pingpong.s", 107, ""),
                Arguments.of("heap.s", 0, ""),
                Arguments.of("errors.s", 0, ""),
                Arguments.of("segv.s", 139, "killed by SIGSEGV: tlb-store at epc 0x00010004 <main+0x4 (src/test/resources/mono/segv.s:6)>, badvaddr 0x00000000"),
                Arguments.of("nested.s", 139, "raised inside its own SIGSEGV handler"),
                Arguments.of("deadlock.s", 128, "killed: every process is blocked (deadlock)"));
    }

    @ParameterizedTest(name = "{0} under {3}")
    @MethodSource("cases")
    void programBehavesAsDocumented(String program, int status, String stderr, String engine) {
        Cli.Result r = Cli.run("run", "--kernel", "mono", "--engine", engine, path(program));
        assertEquals(status, r.code(), r.err());
        assertTrue(r.err().contains(stderr), r.err());
        if (stderr.isEmpty()) assertEquals("", r.err());
    }

    static Stream<Arguments> cases() {
        return programs().flatMap(a -> Engines.NAMES.stream().map(e -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], e)));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void twoProcessesShareTheCpuByPreemption(String engine) {
        Cli.Result r = Cli.run("run", "--kernel", "mono", "--stats", "--engine", engine, path("spin.s"), path("spin.s"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("[spin.s] exited with status 0") && r.err().contains("[spin.s#2] exited with status 0"), r.err());
        int switches = Integer.parseInt(r.err().replaceAll("(?s).*context switches\\s+([0-9,]+).*", "$1").replace(",", ""));
        assertTrue(switches > 100, "a 20,000-cycle quantum preempts 4,000,000-instruction programs often: " + r.err());
    }

    static Stream<String> engines() {
        return Engines.NAMES.stream();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void bothKernelsRunTheSameComputation(String engine) {
        Cli.Result exo = Cli.run("run", "--stats", "--engine", engine, Cli.file("loop.s"));
        Cli.Result mono = Cli.run("run", "--kernel", "mono", "--stats", "--engine", engine, Cli.file("loop.s"));
        assertEquals(exo.code(), mono.code());
    }

    @org.junit.jupiter.api.Test
    void theMonitorDebugsProgramsOnTheBaselineToo() {
        Cli.Result r = Cli.withInput("catch break\ncatch divzero\ncontinue\nprocs\ntraps 2\ncontinue\ncontinue\n", "debug", "--kernel", "mono", path("signals.s"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("caught divzero at epc"), r.out());
        assertTrue(r.out().contains("* process 1 (signals.s)  runnable"), r.out());
        assertTrue(r.out().contains("SIGSEGV  -> 0x"), r.out());
        assertTrue(r.out().contains("pid 1"), "the trap log names the process: " + r.out());
        assertTrue(r.out().contains("process 1 (signals.s) exited with status 38"), r.out());
    }

    private static String path(String name) {
        try {
            return Path.of("src/test/resources/mono", Path.of(MonoKernelTest.class.getResource("/mono/" + name).toURI()).getFileName().toString()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
