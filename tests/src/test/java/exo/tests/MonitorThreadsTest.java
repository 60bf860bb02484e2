package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** info threads, thread N and a stopped thread's backtrace, on threads.s under both engines. */
class MonitorThreadsTest {
    static final java.util.List<String> ENGINES = Engines.NAMES;

    @ParameterizedTest
    @FieldSource("ENGINES")
    void threadsAreListedAndAStoppedThreadHasABacktrace(String engine) {
        String out = Cli.debug(engine, "threads.s", "info threads\nbreak worker\ncontinue\ncontinue\ncontinue\ninfo threads\nthread 0\nbt\nprint $t0\nthread 9\n");
        assertTrue(out.contains("(exo) info threads\nno threads yet: the program has not called thread_create"), out);
        String table = out.substring(out.lastIndexOf("(exo) info threads"));
        assertTrue(table.contains("\n  0   blocked  0x") && table.contains("<block_on+") && table.contains("waits on 0x") && table.contains("<all_done>"), table);
        assertTrue(table.contains("\n* 3   running  0x") && table.contains("<worker>"), table);
        assertTrue(table.contains("[thread 0, blocked; only the registers a thread switch saves are known]"), table);
        String bt = table.substring(table.indexOf("(exo) bt"));
        assertTrue(bt.contains("#0  0x") && bt.contains("<block_on+") && bt.contains("<cond_wait+") && bt.contains("<main+0x90>"), bt);
        assertTrue(bt.contains("error: register t0 is not known in frame 0: a thread that is not running"), bt);
        assertTrue(bt.contains("error: no thread 9"), bt);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void afterTheExitTheTableSaysTheProgramIsNotRunning(String engine) {
        String out = Cli.debug(engine, "threads.s", "continue\ninfo threads\n");
        assertTrue(out.contains("(exo) info threads\nthe program is not running: env 257 (threads.s) exited with status 0"), out);
    }

    @ParameterizedTest
    @FieldSource("ENGINES")
    void aProgramWithoutThreadsSaysSo(String engine) {
        String out = Cli.debug(engine, "hello.s", "info threads\nthread 1\n");
        assertTrue(out.contains("the program has no library OS threads (it does not link thread.s)"), out);
    }
}
