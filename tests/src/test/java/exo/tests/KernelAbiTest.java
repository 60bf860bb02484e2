package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.jit.Engines;
import org.junit.jupiter.api.Test;

/** The generated kernel.inc, used from real assembly through exo run: stubs, causes, save-area layout. */
class KernelAbiTest {
    @Test
    void aUserLevelHandlerBuiltFromTheGeneratedStubsHandlesForwardedExceptions() {
        for (String engine : Engines.NAMES) {
            Cli.Result r = Cli.run("run", "--stats", "--engine", engine, Cli.file("forward.s"));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("exceptions forwarded  overflow=1,000"), r.err());
        }
    }
}
