package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.os.ProgramImage;
import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-call build used by exo run: inputs by content, every error of every input. */
class ToolchainTest {
    @Test
    void errorsOfEveryInputAreCollected(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.s"), "bogus\n");
        Path b = Files.writeString(dir.resolve("b.s"), "nop\naddi a0, a0, 1 << 20\n");
        Path missing = dir.resolve("c.o");
        ToolchainException e = assertThrows(ToolchainException.class,
                () -> Toolchain.buildImage(List.of(a, b, missing), List.of(), LinkOptions.DEFAULT));
        assertEquals(a + ":1:1: error: unknown instruction 'bogus'\nbogus\n^\n"
                + b + ":2:14: error: immediate 1048576 out of range for addi: allowed -32768..32767\naddi a0, a0, 1 << 20\n             ^\n"
                + missing + ": error: no such file\n", e.format());
    }

    @Test
    void inputsAreRecognizedByContent(@TempDir Path dir) throws Exception {
        Path src = Files.writeString(dir.resolve("prog.txt"), ".globl _start\n_start: nop\n");
        Path obj = Files.write(dir.resolve("lib.bin"), Asm.object("lib.s", ".globl f\nf: ret").write());
        Executable exe = Toolchain.buildExecutable(List.of(Toolchain.Input.file(src), Toolchain.Input.file(obj)), LinkOptions.DEFAULT);
        Path exePath = Files.write(dir.resolve("prog.exo"), exe.write());
        ProgramImage img = Toolchain.buildImage(List.of(exePath), List.of(), LinkOptions.DEFAULT);
        assertEquals(0x10000, img.entry());
        assertEquals("prog.exo", img.name());
        ToolchainException e = assertThrows(ToolchainException.class,
                () -> Toolchain.buildImage(List.of(exePath, src), List.of(), LinkOptions.DEFAULT));
        assertEquals(exePath + ": error: an executable cannot be linked with other inputs\n", e.format());
    }

    @Test
    void jumpOutOfRangeAtLinkTime() {
        exo.toolchain.obj.ObjectFile[] objs = {Asm.object("a.s", ".globl _start\n.extern far\n_start: call far"),
            Asm.object("b.s", ".globl far\n.space 0x400000\nfar: ret")};
        assertEquals("a.s:3: error: JUMP21 relocation against 'far' out of range: target 0x410004 is 4194308 bytes from 0x10000,"
                + " allowed -4194304..4194300 in steps of 4 (in a.s)\n", Asm.linkErrors(List.of(objs), List.of(), LinkOptions.DEFAULT));
    }

}
