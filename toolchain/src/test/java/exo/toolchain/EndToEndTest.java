package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import exo.os.ProgramImage;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assembles and links real programs, loads the image the way a kernel would (segments at their
 * addresses, pages mapped with the segments' permissions) and runs them on the interpreter, with
 * a stand-in kernel: syscall 1 prints a0 as a character, syscall 0 exits with a0.
 */
class EndToEndTest {
    private static final String RUNTIME = String.join("\n",
            "# A miniature runtime: start-up code and a print routine, linked from an archive.",
            ".globl _start, puts",
            ".extern main",
            ".equ SYS_EXIT, 0",
            ".equ SYS_PUTC, 1",
            "_start:",
            "  li sp, 0x7fff0000",
            "  call main",
            "  li a7, SYS_EXIT",
            "  syscall",
            "puts:                 # a0 = NUL-terminated string",
            "  mv t0, a0",
            "1: lbu a0, 0(t0)",
            "  beqz a0, 2f",
            "  li a7, SYS_PUTC",
            "  syscall",
            "  addi t0, t0, 1",
            "  j 1b",
            "2: ret");

    private static final String PROGRAM = String.join("\n",
            ".globl main",
            ".extern puts",
            ".macro sum_to n, dest",
            "  li \\dest, 0",
            "  li t1, \\n",
            "loop\\@:",
            "  add \\dest, \\dest, t1",
            "  addi t1, t1, -1",
            "  bgtz t1, loop\\@",
            ".endm",
            "main:",
            "  push ra, s0",
            "  la a0, greeting",
            "  call puts",
            "  sum_to 10, s0",
            "  la t2, result",
            "  sw s0, 0(t2)",
            "  la t3, counter",
            "  lw t4, 0(t3)",
            "  addi t4, t4, 1",
            "  sw t4, 0(t3)",
            "  li t5, 0xdeadbeef",
            "  la t6, table",
            "  lw t7, 4(t6)",   // table[1] = &greeting
            "  la t8, greeting",
            "  bne t7, t8, fail",
            "  ble s0, zero, fail",
            "  mv a0, s0",
            "  pop ra, s0",
            "  ret",
            "fail:",
            "  li a0, 99",
            "  pop ra, s0",
            "  ret",
            ".rodata",
            "greeting: .asciz \"hello, exo\\n\"",
            ".data",
            ".align 4",
            "table: .word 0, greeting, table_end - table",
            "table_end:",
            ".bss",
            "result: .space 4",
            "counter: .space 4");

    private static final class Run {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode = -1;
        final Machine m = new Machine(16 << 20, 1, Console.capturing(out));
        final ProgramImage image;

        Run(ProgramImage image) {
            this.image = image;
            m.setEngine(new Interpreter());
            for (ProgramImage.Segment s : image.segments()) m.memory.write(s.vaddr(), s.data(), 0, s.data().length);
            m.setTrapHandler((mm, cause, epc, bad) -> {
                if (cause == Cause.TLB_MISS_LOAD || cause == Cause.TLB_MISS_STORE || cause == Cause.TLB_MISS_FETCH) {
                    int flags = flagsAt(bad);
                    if (flags < 0) {
                        mm.halt();
                        return;
                    }
                    mm.tlb.writeReplacing(bad >>> 12, mm.mmu.asid(), (bad >>> 12) & 0xFFF, flags);
                    return;
                }
                if (cause == Cause.SYSCALL && mm.cpu.regs[Register.A7] == 1) {
                    out.write(mm.cpu.regs[Register.A0]);
                    mm.cpu.pc = epc + 4;
                    return;
                }
                if (cause == Cause.SYSCALL && mm.cpu.regs[Register.A7] == 0) exitCode = mm.cpu.regs[Register.A0];
                mm.halt();
            });
            m.cpu.pc = image.entry();
        }

        /** TLB flags for an address: the segment's permissions, or the stack (identity-mapped below 16 MiB physical). */
        int flagsAt(int va) {
            for (ProgramImage.Segment s : image.segments()) {
                if (Integer.compareUnsigned(va - s.vaddr(), s.memSize()) < 0) {
                    return Tlb.VALID | ((s.flags() & ProgramImage.WRITE) != 0 ? Tlb.WRITABLE : 0) | ((s.flags() & ProgramImage.EXECUTE) != 0 ? Tlb.EXECUTABLE : 0);
                }
            }
            return (va >>> 12) >= 0x7ff00 && (va >>> 12) < 0x80000 ? Tlb.VALID | Tlb.WRITABLE : -1;
        }

        Run go() {
            m.run(1_000_000);
            return this;
        }
    }

    /** What exo run boots for these inputs. */
    private static ProgramImage image(Toolchain.Input... inputs) throws ToolchainException {
        return Loader.image(inputs[0].name(), Toolchain.buildExecutable(List.of(inputs), LinkOptions.DEFAULT));
    }

    @Test
    void programLinkedWithARuntimeArchiveRuns(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.s"), PROGRAM);
        Files.writeString(dir.resolve("rt.s"), RUNTIME);
        exo.toolchain.obj.ObjectFile rt = exo.toolchain.asm.Assembler.assemble(SourceFile.read(dir.resolve("rt.s")));
        Files.write(dir.resolve("rt.a"), exo.toolchain.obj.Archive.write(List.of(rt)));
        ProgramImage image = image(Toolchain.Input.file(dir.resolve("main.s")), Toolchain.Input.file(dir.resolve("rt.a")));
        Run r = new Run(image).go();
        assertEquals("hello, exo\n", r.out.toString(StandardCharsets.UTF_8));
        assertEquals(55, r.exitCode);
        assertEquals(0xdeadbeef, r.m.cpu.regs[Register.T0 + 5]);
        int result = r.m.memory.readWord(image.segments().get(3).vaddr() & 0xFFFFFF);
        assertEquals(55, result);
        String where = image.symbolizer().describe(image.entry() + 4);
        assertEquals("_start+0x4 (" + dir.resolve("rt.s") + ":8)", where);
    }

    @Test
    void programFromClasspathResourcesRuns() throws Exception {
        ProgramImage image = image(Toolchain.Input.resource("asmtest/prog.s"));
        Run r = new Run(image).go();
        assertEquals("ok\n", r.out.toString(StandardCharsets.UTF_8));
        assertEquals(7, r.exitCode);
    }
}
