package exo.kernel;

import static exo.emulator.isa.Register.A0;
import static exo.emulator.isa.Register.A1;
import static exo.emulator.isa.Register.SP;
import static exo.emulator.isa.Register.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Opcode;
import exo.kernel.abi.KernelCall;
import exo.os.RunResult;
import org.junit.jupiter.api.Test;

class BootTest {
    @Test
    void helloWorldPrintsAndExitsWithItsStatus() {
        Boot b = new Boot();
        b.boot(new Guest("hello").print("hello, exo\n").exit(7));
        RunResult r = b.run();
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals("hello, exo\n", b.console());
        assertEquals(7, r.exitStatus());
        assertTrue(r.kernelCycles() > 0);
    }

    @Test
    void argcAndArgvAreOnTheStack() {
        // Prints argv[1] (whose length the test knows) and exits with argc.
        Guest g = new Guest("args");
        g.mv(T0, A0);
        g.lw(A0, 8, SP);             // argv[1] = *(sp + 4 + 4)
        g.li(A1, 5).sys(KernelCall.CONS_WRITE);
        g.mv(A0, T0).sys(KernelCall.ENV_EXIT);
        Boot b = new Boot();
        b.boot(g, "prog", "world");
        RunResult r = b.run();
        assertEquals("world", b.console());
        assertEquals(2, r.exitStatus());
    }

    /** A guest that exits with the word at va (an address in the boot record). */
    private static Guest exitWithWordAt(String name, int va) {
        Guest g = new Guest(name);
        g.li(T0, va).lw(A0, 0, T0).sys(KernelCall.ENV_EXIT);
        return g;
    }

    @Test
    void everyBootedProgramHoldsTheCountAndEveryIdInBootOrder() {
        int count = exo.kernel.boot.ImageLoader.BOOT_COUNT, ids = exo.kernel.boot.ImageLoader.BOOT_IDS;
        Boot b = new Boot();
        int first = b.boot(exitWithWordAt("count", count));
        int second = b.boot(exitWithWordAt("first", ids));
        int third = b.boot(exitWithWordAt("third", ids + 8));
        RunResult r = b.run();
        assertEquals(RunResult.Reason.ALL_DONE, r.reason());
        assertEquals(java.util.List.of(3, first, third), r.programs().stream().map(RunResult.Program::exitStatus).toList(),
                "the first sees 3 booted (written after it was), the second the first's id, the third its own");
        assertTrue(first != second && second != third);
    }

    @Test
    void aProgramBootedAfterTheRunBeganGetsTheRecordAloneAndTheOthersKeepTheirStacks() {
        int count = exo.kernel.boot.ImageLoader.BOOT_COUNT;
        Boot b = new Boot();
        Guest spin = new Guest("spin");
        spin.emit(Opcode.JAL.encode(0, 0));
        b.boot(spin);
        b.kernel.run(1_000);
        int late = b.boot(exitWithWordAt("late", count));
        int pa = b.kernel.memory().peek(b.kernel.booted().get(0), count);
        assertEquals(1, b.machine.memory.readWord(pa), "the running program's record as it was");
        RunResult r = b.kernel.run(200_000);
        assertTrue(r.programs().get(1).finished(), "the late one ran beside the spinner");
        assertEquals(2, r.programs().get(1).exitStatus(), "the late one sees both");
        assertTrue(late > 0);
    }

    @Test
    void instructionLimitStopsARunawayWithAClearMessage() {
        Guest g = new Guest("spin");
        g.emit(Opcode.JAL.encode(0, 0));
        Boot b = new Boot();
        b.boot(g);
        RunResult r = b.kernel.run(10_000);
        assertEquals(RunResult.Reason.INSTRUCTION_LIMIT, r.reason());
        assertTrue(r.problem().contains("--max-instructions"), r.problem());
    }

    @Test
    void peekTranslatesThroughTheRunningEnvironmentsBindingsWithoutCharging() {
        Boot b = new Boot();
        b.boot(new Guest("one").exit(0));
        b.boot(new Guest("two").exit(0));
        assertEquals(1, b.kernel.scheduler().owner(1).slots);
        assertEquals(-1, b.kernel.peek(Guest.CODE), "nothing is on the CPU before the run");
        b.kernel.run(0);
        long charged = b.kernel.cost().kernelCycles();
        assertTrue(b.kernel.peek(Guest.CODE) >= 0);
        assertEquals(-1, b.kernel.peek(0x30000));
        assertEquals(charged, b.kernel.cost().kernelCycles());
    }
}
