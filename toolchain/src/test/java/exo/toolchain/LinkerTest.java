package exo.toolchain;

import static exo.emulator.isa.Opcode.*;
import static exo.emulator.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.Archive;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.RelocKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every relocation kind across objects, archives, layout, and the linker's errors. */
class LinkerTest {
    private static final ObjectFile MAIN = Asm.object("main.s", String.join("\n",
            ".globl _start",
            ".extern f, table, far",
            "_start:",
            "  call f",              // JUMP21 to another object
            "  beq a0, a1, f",       // BRANCH16 to another object
            "  la t0, table",        // HI16 + LO16
            "  j _start",
            ".data",
            "ptr: .word table + 4, f", // ABS32 with addend
            "local: .word local"));    // ABS32 to own section (SECTION target)
    private static final ObjectFile LIB = Asm.object("lib.s", String.join("\n",
            ".globl f, table",
            "f: ret",
            ".rodata",
            ".byte 1",
            ".align 4",
            "table: .word 1, 2, 3"));

    @Test
    void everyRelocationKindIsResolvedAcrossObjects() {
        Executable exe = Asm.link(MAIN, LIB);
        int text = 0x10000, f = text + 5 * 4, rodata = 0x11000, table = rodata + 4, data = 0x12000;
        assertEquals(List.of(text, rodata, data), exe.segments().stream().map(Executable.Segment::vaddr).toList());
        int[] w = Asm.textWords(exe);
        assertEquals(JAL.encode(RA, f - text), w[0]);
        assertEquals(BEQ.encode(A0, A1, f - (text + 4)), w[1]);
        assertEquals(LUI.encode(T0, table >>> 16), w[2]);
        assertEquals(ORI.encode(T0, T0, table & 0xFFFF), w[3]);
        assertEquals(JAL.encode(ZERO, -16), w[4]);
        assertEquals(JALR.encode(ZERO, 0, RA), w[5]);
        byte[] d = exe.segments().get(2).data();
        assertEquals(table + 4, Asm.word(d, 0));
        assertEquals(f, Asm.word(d, 4));
        assertEquals(data + 8, Asm.word(d, 8));
        assertEquals(text, exe.entry());
        assertEquals(java.util.EnumSet.allOf(RelocKind.class), kinds(MAIN));
    }

    private static java.util.Set<RelocKind> kinds(ObjectFile o) {
        java.util.Set<RelocKind> out = java.util.EnumSet.noneOf(RelocKind.class);
        o.sections.forEach(s -> s.relocations().forEach(r -> out.add(r.kind())));
        return out;
    }

    @Test
    void baseAndEntryAreOptions() {
        Executable exe = Asm.link(new LinkOptions(0x400000, "f"), MAIN, LIB);
        assertEquals(0x400000, exe.segments().get(0).vaddr());
        assertEquals(0x400000 + 20, exe.entry());
    }

    @Test
    void bssTakesMemoryButNoFileBytes() {
        Executable exe = Asm.link(Asm.object(".globl _start\n_start: nop\n.bss\nbuf: .space 5000\nb2: .space 4"));
        Executable.Segment bss = exe.segments().get(1);
        assertEquals(0x11000, bss.vaddr());
        assertEquals(5004, bss.memSize());
        assertEquals(0, bss.data().length);
    }

    @Test
    void archiveMembersAreTakenOnlyWhenNeeded() throws Exception {
        ObjectFile a = Asm.object("a.s", ".globl a\n.extern b\na: call b");
        ObjectFile b = Asm.object("b.s", ".globl b\nb: ret");
        ObjectFile unused = Asm.object("u.s", ".globl u\nu: ret");
        ObjectFile start = Asm.object("s.s", ".globl _start\n.extern a\n_start: call a");
        List<ObjectFile> lib = Archive.read("lib.a", Archive.write(List.of(b, unused, a)));
        Executable exe = Linker.link(List.of(start), List.of(lib), LinkOptions.DEFAULT);
        List<String> names = exe.symbols().stream().map(Executable.Symbol::name).toList();
        assertTrue(names.containsAll(List.of("_start", "a", "b")), names.toString());
        assertTrue(!names.contains("u"), names.toString());
        // The entry point itself may come from an archive (start-up code in the runtime library).
        Executable exe2 = Linker.link(List.of(Asm.object("m.s", ".globl main\nmain: ret")),
                List.of(List.of(Asm.object("crt0.s", ".globl _start\n.extern main\n_start: call main"))), LinkOptions.DEFAULT);
        assertEquals(0x10004, exe2.entry());
    }

    @Test
    void undefinedSymbolNamesTheReferencingFile() {
        ObjectFile o = Asm.object("m.s", ".globl _start\n.extern helpr\n_start: call helpr");
        ObjectFile h = Asm.object("h.s", ".globl helper\nhelper: ret");
        assertEquals("m.s:2: error: undefined symbol 'helpr', referenced in m.s; did you mean 'helper'?\n",
                Asm.linkErrors(List.of(o, h), List.of(), LinkOptions.DEFAULT));
    }

    @Test
    void duplicateSymbolNamesBothFiles() {
        ObjectFile a = Asm.object("a.s", ".globl _start\n_start: nop");
        ObjectFile b = Asm.object("b.s", "nop\n.globl _start\n_start: nop");
        assertEquals("b.s:3: error: duplicate symbol '_start': defined in b.s and in a.s\na.s:2: note: first defined here, in a.s\n",
                Asm.linkErrors(List.of(a, b), List.of(), LinkOptions.DEFAULT));
    }

    @Test
    void outOfRangeRelocationNamesSymbolFileAndValue() {
        ObjectFile a = Asm.object("a.s", ".globl _start\n.extern far\n_start: nop\n  beq a0, a1, far");
        ObjectFile b = Asm.object("b.s", ".globl far\n.space 200000\nfar: ret");
        assertEquals("a.s:4: error: BRANCH16 relocation against 'far' out of range: target 0x40d48 is 200004 bytes from 0x10004,"
                + " allowed -131072..131068 in steps of 4 (in a.s)\n", Asm.linkErrors(List.of(a, b), List.of(), LinkOptions.DEFAULT));
    }

    @Test
    void missingEntryIsAClearError() {
        ObjectFile a = Asm.object("a.s", ".globl start\nstart: nop");
        assertEquals("exo: error: entry symbol '_start' is not defined; did you mean 'start'? (define it, or choose another with --entry)\n",
                Asm.linkErrors(List.of(a), List.of(), LinkOptions.DEFAULT));
        ObjectFile d = Asm.object("d.s", ".globl _start\nnop\n.data\n_start: .word 0");
        assertEquals("exo: error: entry symbol '_start' at 0x11000 is not in .text\n", Asm.linkErrors(List.of(d), List.of(), LinkOptions.DEFAULT));
    }

    /** Sections that each fit an object but together pass 4 GiB are refused, not wrapped. */
    @Test
    void layoutPast4GiBIsRefused() {
        ObjectFile big = Asm.object("big.s", ".bss\n" + ".space 16777216\n".repeat(127) + ".space 16773120\n");
        String errors = Asm.linkErrors(List.of(MAIN, LIB, big, big, big), List.of(), LinkOptions.DEFAULT);
        assertTrue(errors.startsWith("exo: error: .bss segment 0x") && errors.contains("does not fit in the user address range"), errors);
    }

    @Test
    void misalignedBaseIsRejected() {
        assertEquals("exo: error: base address 0x10010 is not page-aligned\n", Asm.linkErrors(List.of(MAIN, LIB), List.of(), new LinkOptions(0x10010, "_start")));
    }

    @Test
    void exportedConstantsNeverNameAnAddress() throws Exception {
        Executable exe = Asm.link(Asm.object("c.s", ".globl _start, BASE\n.equ BASE, 0x10000\n_start: li a0, BASE"));
        Executable.Symbol base = exe.symbols().stream().filter(s -> s.name().equals("BASE")).findFirst().orElseThrow();
        assertTrue(base.absolute() && base.global());
        assertEquals("_start (c.s:3)", new exo.toolchain.exe.ExeSymbolizer(exe).describe(0x10000));
        assertTrue(Executable.read(exe.write()).symbols().contains(base));
    }

    @Test
    void lineTableAndSymbolsSurviveLinking() {
        Executable exe = Asm.link(MAIN, LIB);
        assertEquals(List.of("main.s", "lib.s"), exe.files());
        var sym = new exo.toolchain.exe.ExeSymbolizer(exe);
        assertEquals("_start+0x8 (main.s:6)", sym.describe(0x10008));
        assertEquals("f (lib.s:2)", sym.describe(0x10014));
        assertEquals("table+0x4 (lib.s:6)", sym.describe(0x11008));
        assertEquals(null, sym.describe(0x9000));
    }
}
