package exo.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.baseline.MonoKernel;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.kernel.Kernel;
import exo.os.KernelOptions;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelKindTest {
    @Test
    void namesParseToTheirKernel() {
        assertEquals(List.of("exo", "mono"), KernelKind.names());
        for (KernelKind k : KernelKind.values()) assertEquals(k, KernelKind.parse(k.id));
        assertEquals(KernelKind.EXO, KernelKind.DEFAULT);
        assertEquals("mono", KernelKind.MONO.toString());
    }

    @Test
    void anUnknownNameListsTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelKind.parse("Mono"));
        assertEquals("unknown kernel 'Mono'; choose one of exo, mono", e.getMessage());
    }

    @Test
    void eachKindBuildsItsKernel() {
        assertInstanceOf(Kernel.class, KernelKind.EXO.create(machine(), KernelOptions.defaults()));
        assertInstanceOf(MonoKernel.class, KernelKind.MONO.create(machine(), KernelOptions.defaults()));
    }

    private static Machine machine() {
        return new Machine(1 << 20, 1, Console.capturing(new ByteArrayOutputStream()));
    }
}
