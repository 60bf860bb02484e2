package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * A golden transcript of debugging exception handlers in faults.s (issue 14): stepping into a
 * handler and finishing out of it, backtraces through nested exceptions into the interrupted
 * code, frame selection with the registers a fault interrupted, display, print formats and
 * x/NFU, and a breakpoint on a line without code. The same session under every engine gives
 * the same transcript. After an intended change, regenerate with -Dexo.regenerateGolden=true
 * and review the diff.
 */
class MonitorExceptionTranscriptTest {
    static final java.util.List<String> ENGINES = Engines.NAMES;
    private static final Path DIR = Path.of("src", "test", "resources", "monitor");

    @ParameterizedTest
    @FieldSource("ENGINES")
    void steppingThroughHandlersMatchesTheGoldenTranscript(String engine) throws Exception {
        String out = transcript(engine, "exceptions");
        // What the transcript is for, said once more so a regenerated file cannot lose it.
        assertTrue(out.contains("#1  <exception tlb-load at 0x00010044 BADVADDR 0x58000000>\n#2  0x00010044 <main+0x44>"), out);
        // A break whose handler faults: two exception frames, the library OS's fast path between.
        assertTrue(out.contains("#2  <exception tlb-load at 0x000102b0 BADVADDR 0x58800000>"), out);
        assertTrue(out.contains("#6  <exception break at 0x000100e8>\n#7  0x000100e8 <main+0xe8>"), out);
        assertTrue(out.contains("faults.s:43 has no code; using line 44, the next line with code"), out);
    }

    /** The exceptions faults.s forwards (the TLB misses are in exceptions.cmds above). */
    static final java.util.List<String> FORWARDED = java.util.List.of("prot-store", "prot-fetch", "addr-load", "addr-store", "addr-fetch",
            "illegal", "overflow", "divzero", "break");

    /**
     * Every kind of exception faults.s raises, caught, stepped into, backtraced and finished out
     * of: one golden transcript, the same under every engine.
     */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void everyKindOfTrapStepsInAndOutAlike(String engine) throws Exception {
        String out = transcript(engine, "every-trap");
        for (String cause : FORWARDED) {
            assertTrue(out.contains("caught " + cause + " at epc"), cause + " was caught:\n" + out);
            assertTrue(out.contains("#1  <exception " + cause + " at "), cause + " shows as an exception frame:\n" + out);
        }
        assertTrue(out.contains("13 exceptions handled"), "the program ran to its end:\n" + out);
    }

    /**
     * A step over a trap the kernel handles without entering a handler stops at the next
     * instruction and says what the kernel did (issue 14): a kernel call that returned, a TLB
     * miss it filled, a fault downloaded code resolved; a step into a handler says where the trap
     * went. The same lines under every engine.
     */
    @ParameterizedTest
    @FieldSource("ENGINES")
    void aStepSaysWhatTheKernelDid(String engine) {
        Cli.Result hello = Cli.withInput("step\nstep\nbreak cons_flush\ncontinue\nstep 7\nstep\n", "debug", "--engine", engine,
                Path.of("..", "guest-programs", "src", "hello.s").toString());
        assertEquals(0, hello.code(), hello.err());
        String h = hello.out();
        assertTrue(h.contains("(exo) step\ntrap: tlb-fetch at 0x00010044 (badvaddr 0x00010044) -> kernel (resolved, resumed)\n=> 0x00010048:"), h);
        assertTrue(h.contains("trap: syscall at 0x00010454 -> kernel call returned\n=> 0x00010458:"), h);
        // The second step traps nowhere, and says nothing.
        assertTrue(h.contains("start.s:14  mv      s2, a1\n(exo) step\n=> 0x0001004c:"), h);
        Cli.Result auto = Cli.withInput("break autoprot.s:60\ncontinue\nstep\n", "debug", "--engine", engine,
                Path.of("..", "guest-programs", "src", "autoprot.s").toString());
        assertEquals(0, auto.code(), auto.err());
        assertTrue(auto.out().contains("trap: tlb-load at 0x000100a0 (badvaddr 0x40000000) -> kernel (downloaded handler, resumed)\n"
                + "=> 0x000100a4:"), auto.out());
    }

    /**
     * Runs NAME.cmds on faults.s under engine and checks the output against NAME.expected
     * (rewritten from the JIT's run with -Dexo.regenerateGolden=true); returns the output.
     */
    private static String transcript(String engine, String name) throws java.io.IOException {
        String commands = Files.readString(DIR.resolve(name + ".cmds"));
        Cli.Result r = Cli.withInput(commands, "debug", "--engine", engine, Path.of("..", "guest-programs", "src", "faults.s").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        Path golden = DIR.resolve(name + ".expected");
        if (Boolean.getBoolean("exo.regenerateGolden") && engine.equals("jit")) Files.writeString(golden, r.out());
        assertEquals(Files.readString(golden), r.out());
        return r.out();
    }
}
