package exo.toolchain;

import static exo.emulator.isa.Opcode.*;
import static exo.emulator.isa.Register.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.toolchain.asm.Assembler;
import exo.toolchain.obj.ObjSymbol;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.SectionKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every directive, labels (incl. numeric local ones) and expressions. */
class DirectiveTest {
    private static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    private static ObjSymbol sym(ObjectFile o, String name) {
        return o.symbols.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no symbol " + name));
    }

    @Test
    void sectionsKeepSeparateLocationCounters() {
        ObjectFile o = Asm.object(".text\nnop\n.data\n.byte 1\n.text\nnop\n.rodata\n.byte 2\n.section .data\n.byte 3\n.bss\n.space 8");
        assertEquals(8, o.section(SectionKind.TEXT).size());
        assertArrayEquals(b(1, 3), o.section(SectionKind.DATA).data());
        assertArrayEquals(b(2), o.section(SectionKind.RODATA).data());
        assertEquals(8, o.section(SectionKind.BSS).size());
        assertEquals(0, o.section(SectionKind.BSS).data().length);
    }

    @Test
    void dataDirectivesAreLittleEndian() {
        assertArrayEquals(b(1, 0xFF, 0x80), Asm.bytes(".data\n.byte 1, -1, 0x80", SectionKind.DATA));
        assertArrayEquals(b(0x34, 0x12, 0xFF, 0xFF), Asm.bytes(".data\n.half 0x1234, -1", SectionKind.DATA));
        assertArrayEquals(b(0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF), Asm.bytes(".data\n.word 0x12345678, 0xFFFFFFFF", SectionKind.DATA));
    }

    @Test
    void stringsAndEscapes() {
        assertArrayEquals(b('a', 'b'), Asm.bytes(".data\n.ascii \"ab\"", SectionKind.DATA));
        assertArrayEquals(b('h', 'i', 0, 'x', 0), Asm.bytes(".data\n.asciz \"hi\", \"x\"", SectionKind.DATA));
        assertArrayEquals(b('\n', '\t', '\r', 0, '\\', '"', '\'', 0x41, 7, 8, 12, 11, 27),
                Asm.bytes(".data\n.ascii \"\\n\\t\\r\\0\\\\\\\"\\'\\x41\\a\\b\\f\\v\\e\"", SectionKind.DATA));
        assertArrayEquals(b('a', '\n', '\'', 0xC3, 0xA9), Asm.bytes(".data\n.byte 'a', '\\n', '\\''\n.ascii \"\u00e9\"", SectionKind.DATA));
        assertArrayEquals(b('#', ';', 0), Asm.bytes(".data\n.asciz \"#;\" # a comment", SectionKind.DATA));
    }

    @Test
    void spaceAndAlign() {
        assertArrayEquals(b(1, 0, 0, 0, 7, 7, 9), Asm.bytes(".data\n.byte 1\n.align 4\n.space 2, 7\n.byte 9", SectionKind.DATA));
        ObjectFile o = Asm.object(".data\n.byte 1\n.balign 16\nx: .zero 3");
        assertEquals(16, o.section(SectionKind.DATA).align());
        assertEquals(16, sym(o, "x").value());
        assertEquals(19, o.section(SectionKind.DATA).size());
    }

    @Test
    void labelsAndSymbolDifferences() {
        ObjectFile o = Asm.object(".data\na: .word b - a, 0\nb: .half b - a\n.equ len, b - a\n.globl len\n.word len");
        assertArrayEquals(b(8, 0, 0, 0, 0, 0, 0, 0, 8, 0, 8, 0, 0, 0), o.section(SectionKind.DATA).data());
        assertEquals(ObjSymbol.ABSOLUTE, sym(o, "len").section());
        assertEquals(8, sym(o, "len").value());
    }

    @Test
    void numericLocalLabelsFindTheNearestDefinition() {
        int[] w = Asm.text("1: nop\n1: beq a0, a1, 1b\nbeq a0, a1, 1f\n1: bne a0, a1, 1b\nj 2f\n2: nop");
        assertEquals(BEQ.encode(A0, A1, 0), w[1]);
        assertEquals(BEQ.encode(A0, A1, 4), w[2]);
        assertEquals(BNE.encode(A0, A1, 0), w[3]);
        assertEquals(JAL.encode(ZERO, 4), w[4]);
    }

    @Test
    void expressionsFollowCPrecedence() {
        assertArrayEquals(b(7, 9, 14, 1, 0, 1, 16, 2, 0xFE, 1, 1, 0, 1, 3, 1, 6, 2),
                Asm.bytes(".data\n.byte 1 + 2 * 3, (1 + 2) * 3, 1 << 2 | 6 & 3 ^ 8, 1 < 2, 2 == 3, 2 != 3, 1 << 4, 17 / 8, ~1, !0, 5 % 2,"
                        + " 1 && 0, 0 || 2, -(-3), 3 >= 3, 12 >> 1, 8 >> 2", SectionKind.DATA));
        assertArrayEquals(b(1, 0, 0, 0), Asm.bytes(".data\n.byte 2 <= 3, 3 > 4, 1 & 2, 0x10 - 16", SectionKind.DATA));
    }

    @Test
    void equSetAndAssignment() {
        assertArrayEquals(b(3, 4, 5, 9), Asm.bytes(".equ A, 3\n.set B, 4\n.data\n.byte A, B\n.set B, 5\n.byte B\nC = A + 6\n.byte C", SectionKind.DATA));
        // A value may refer to a label defined later; it is evaluated when used.
        assertArrayEquals(b(4, 0, 0, 0, 0, 0, 0, 0), Asm.bytes(".data\n.equ size, end - start\n.word size\nstart: .word 0\nend:", SectionKind.DATA));
    }

    @Test
    void dotIsTheCurrentLocation() {
        assertArrayEquals(b(4, 0, 0, 0), java.util.Arrays.copyOfRange(Asm.bytes(".data\n.word 0\nhere: .word . - here + 4", SectionKind.DATA), 4, 8));
        assertArrayEquals(new int[] {BEQ.encode(ZERO, ZERO, 0)}, Asm.text("beq zero, zero, ."));
    }

    @Test
    void globlAndExtern() {
        ObjectFile o = Asm.object(".globl f\n.extern g\nf: call g\nh: ret");
        assertTrue(sym(o, "f").global());
        assertTrue(!sym(o, "h").global());
        assertEquals(ObjSymbol.UNDEFINED, sym(o, "g").section());
        assertEquals(1, o.section(SectionKind.TEXT).relocations().size());
    }

    @Test
    void directiveSpellingsThatAreAliases() {
        ObjectFile o = Asm.object(".global f\nf: nop\n.data\n.string \"a\"\n.zero 2\n.balign 4");
        assertTrue(sym(o, "f").global());
        assertArrayEquals(b('a', 0, 0, 0), o.section(SectionKind.DATA).data());
    }

    @Test
    void memoryOperandWithoutOffset() {
        assertArrayEquals(new int[] {LW.encode(A0, 0, SP), SW.encode(A0, 12, SP)}, Asm.text("lw a0, (sp)\nsw a0, (4 + 8)(sp)"));
    }

    @Test
    void conditionalAssembly() {
        String src = ".equ DEBUG, 1\n.data\n.if DEBUG\n.byte 1\n.if 0\n.byte 99\n.else\n.byte 2\n.endif\n.else\n.byte 98\n.endif\n"
                + ".ifdef DEBUG\n.byte 3\n.endif\n.ifndef NOPE\n.byte 4\n.endif\n.ifdef NOPE\n.byte 97\n.elseif DEBUG == 1\n.byte 5\n.else\n.byte 96\n.endif\n"
                + ".if 0\n.bogus directive is skipped\n.endif";
        assertArrayEquals(b(1, 2, 3, 4, 5), Asm.bytes(src, SectionKind.DATA));
    }

    @Test
    void macrosWithNamedDefaultAndUniqueLabels() {
        String src = ".macro addk rd, rs, k=1\naddi \\rd, \\rs, \\k\n.endm\n"
                + ".macro spin n\nli t0, \\n\nloop\\@: addi t0, t0, -1\nbnez t0, loop\\@\n.endm\n"
                + "addk a0, a1\naddk a0, a1, 5\naddk k=7, rs=a2, rd=a3\nspin 3\nspin 4";
        int[] w = Asm.text(src);
        assertEquals(ADDI.encode(A0, A1, 1), w[0]);
        assertEquals(ADDI.encode(A0, A1, 5), w[1]);
        assertEquals(ADDI.encode(A3, A2, 7), w[2]);
        assertEquals(BNE.encode(T0, ZERO, -4), w[5]);
        assertEquals(BNE.encode(T0, ZERO, -4), w[8]);
    }

    @Test
    void macrosMayUseMacros() {
        int[] w = Asm.text(".macro one r\naddi \\r, \\r, 1\n.endm\n.macro two r\none \\r\none \\r\n.endm\ntwo a0");
        assertArrayEquals(new int[] {ADDI.encode(A0, A0, 1), ADDI.encode(A0, A0, 1)}, w);
    }

    @Test
    void includeIsRelativeToTheIncludingFile(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/defs.s"), ".equ K, 42\n.include \"more.s\"\n");
        Files.writeString(dir.resolve("lib/more.s"), ".equ L, 43\n");
        Files.writeString(dir.resolve("main.s"), ".include \"lib/defs.s\"\n.data\n.byte K, L\n");
        ObjectFile o = Assembler.assemble(SourceFile.read(dir.resolve("main.s")));
        assertArrayEquals(b(42, 43), o.section(SectionKind.DATA).data());
        assertEquals(3, o.files.size());
    }

    @Test
    void includeFromClasspathResources() throws Exception {
        ObjectFile o = Assembler.assemble(SourceFile.resource("asmtest/main.s"));
        assertArrayEquals(b(42), o.section(SectionKind.DATA).data());
        assertEquals("asmtest/inc/defs.s", o.files.get(1));
    }

    @Test
    void errorDirectiveReportsItsMessage() {
        assertEquals("t.s:2:1: error: need a value\n.error \"need a value\"\n^\n", Asm.errors(".ifndef X\n.error \"need a value\"\n.endif"));
    }

    @Test
    void lineTableRecordsTheSourceLineOfEachInstruction() {
        ObjectFile o = Asm.object("nop\n\n  li a0, 0x12345678\n.macro m\nnop\nnop\n.endm\nm");
        var lines = o.section(SectionKind.TEXT).lines();
        assertEquals(1, lines.get(0).line());
        assertEquals(3, lines.get(1).line());
        assertEquals(4, lines.get(1).offset());
        assertEquals(8, lines.get(2).line());
        assertEquals(12, lines.get(2).offset());
    }
}
