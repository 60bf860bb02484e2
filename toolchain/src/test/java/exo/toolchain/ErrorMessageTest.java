package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.toolchain.asm.Assembler;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Golden messages, exact text and location, for each class of assembler error. */
class ErrorMessageTest {
    private static void golden(String source, String expected) {
        assertEquals(expected, Asm.errors(source));
    }

    @Test
    void unknownInstructionSuggestsTheNearestMnemonic() {
        golden("  lodw t0, 0(sp)", "t.s:1:3: error: unknown instruction 'lodw'; did you mean 'lw'?\n  lodw t0, 0(sp)\n  ^\n");
        golden("\tbeqzz a0, 0", "t.s:1:2: error: unknown instruction 'beqzz'; did you mean 'beqz'?\n\tbeqzz a0, 0\n\t^\n");
        golden("frobnicate", "t.s:1:1: error: unknown instruction 'frobnicate'\nfrobnicate\n^\n");
        golden("ecall", "t.s:1:1: error: unknown instruction 'ecall'; did you mean 'syscall'?\necall\n^\n");
    }

    @Test
    void unknownDirectiveSuggestsTheNearest() {
        golden(".wrod 1", "t.s:1:1: error: unknown directive '.wrod'; did you mean '.word'?\n.wrod 1\n^\n");
    }

    @Test
    void immediateOutOfRangeGivesValueAndRange() {
        golden("addi a0, a0, 40000", "t.s:1:14: error: immediate 40000 out of range for addi: allowed -32768..32767\naddi a0, a0, 40000\n             ^\n");
        golden("ori a0, a0, -1", "t.s:1:13: error: immediate -1 out of range for ori: allowed 0..65535\nori a0, a0, -1\n            ^\n");
        golden("lw a0, 32768(sp)", "t.s:1:8: error: offset 32768 out of range for lw: allowed -32768..32767\nlw a0, 32768(sp)\n       ^\n");
        golden("srai a0, a0, 32", "t.s:1:14: error: shift amount 32 out of range for srai: allowed 0..31\nsrai a0, a0, 32\n             ^\n");
        golden(".data\n.half 70000", "t.s:2:7: error: value 70000 out of range for .half: allowed -32768..65535\n.half 70000\n      ^\n");
    }

    @Test
    void branchOutOfRangeGivesOffsetAndRange() {
        golden("beq a0, a1, far\n.space 131072\nfar: nop",
                "t.s:1:13: error: branch target 'far' out of range: offset 131076 bytes, allowed -131072..131068\nbeq a0, a1, far\n            ^\n");
    }

    @Test
    void undefinedSymbolSuggestsOrExplains() {
        golden("loop: j lopo", "t.s:1:9: error: undefined symbol 'lopo'; did you mean 'loop'?\nloop: j lopo\n        ^\n");
        golden("call printf", "t.s:1:6: error: undefined symbol 'printf' (declare it with .extern if another file defines it)\ncall printf\n     ^\n");
        golden("1: j 1f", "t.s:1:6: error: local label 1f has no later '1:'\n1: j 1f\n     ^\n");
        golden("j 2b", "t.s:1:3: error: local label 2b has no earlier '2:'\nj 2b\n  ^\n");
    }

    @Test
    void duplicateSymbolNamesBothPlaces() {
        golden("x: nop\n  x: nop", "t.s:2:3: error: symbol 'x' is already defined\n  x: nop\n  ^\nt.s:1:1: note: first defined here\nx: nop\n^\n");
    }

    @Test
    void operandsAreCheckedAgainstTheTable() {
        golden("add a0, a1", "t.s:1:1: error: add takes 3 operands (rd, rs1, rs2), got 2\nadd a0, a1\n^\n");
        golden("add a0, a1, a2, a3", "t.s:1:17: error: add takes 3 operands (rd, rs1, rs2), got 4\nadd a0, a1, a2, a3\n                ^\n");
        golden("add a0, a1, x9", "t.s:1:13: error: expected a register, got 'x9'; did you mean 'r9'?\nadd a0, a1, x9\n            ^\n");
        golden("sw a0, a1", "t.s:1:8: error: sw needs a memory operand like 8(sp)\nsw a0, a1\n       ^\n");
        golden("addi a0, a1, msg\nmsg: nop", "t.s:1:14: error: addi needs a constant immediate, but this is an address (use la to load an address)\naddi a0, a1, msg\n             ^\n");
    }

    @Test
    void lexicalErrors() {
        golden(".ascii \"a\\qb\"", "t.s:1:10: error: unknown escape '\\q' (known: \\n \\t \\r \\0 \\a \\b \\f \\v \\e \\\\ \\' \\\" \\xHH)\n.ascii \"a\\qb\"\n         ^\n");
        golden(".byte 12ab", "t.s:1:7: error: malformed number '12ab'\n.byte 12ab\n      ^\n");
        golden("nop @", "t.s:1:5: error: unexpected character '@'\nnop @\n    ^\n");
    }

    @Test
    void expressionErrors() {
        golden(".data\n.byte 1 / 0", "t.s:2:9: error: division by zero in expression\n.byte 1 / 0\n        ^\n");
        golden(".data\n.byte (1 + 2", "t.s:2:13: error: missing ')'\n.byte (1 + 2\n            ^\n");
        golden(".data\na: .word a + a", "t.s:2:12: error: cannot add two addresses\na: .word a + a\n           ^\n");
        golden(".equ a, b\n.equ b, a\n.data\n.word a", "t.s:2:9: error: 'b' is defined in terms of itself\n.equ b, a\n        ^\n");
    }

    @Test
    void conditionalAndMacroStructure() {
        golden(".if 1\nnop", "t.s:1:1: error: .if without .endif\n.if 1\n^\n");
        golden(".endif", "t.s:1:1: error: .endif without .if\n.endif\n^\n");
        golden(".macro m\nnop", "t.s:1:1: error: macro 'm' has no .endm\n.macro m\n^\n");
        golden(".macro m a, b\n.endm\nm 1", "t.s:3:1: error: macro 'm' needs argument 'b'\nm 1\n^\n");
    }

    @Test
    void errorsInsideMacrosNameTheExpansion() {
        golden(".macro bad\naddi a0, a0, 99999\n.endm\nnop\nbad",
                "t.s:2:14: error: immediate 99999 out of range for addi: allowed -32768..32767\naddi a0, a0, 99999\n             ^\nt.s:5: note: in expansion of macro 'bad'\n");
    }

    @Test
    void recursiveMacroIsStopped() {
        String out = Asm.errors(".macro r\nr\n.endm\nr");
        assertTrue(out.startsWith("t.s:2:1: error: macro 'r' expanded more than 64 levels deep (recursive?)\n"), out);
    }

    @Test
    void everyErrorIsReportedInOrderUpToTheLimit() {
        String out = Asm.errors("j nowhere\nadd\nbogus\n");
        assertTrue(out.indexOf("t.s:1:3") < out.indexOf("t.s:2:1") && out.indexOf("t.s:2:1") < out.indexOf("t.s:3:1"), out);
        String many = Asm.errors("bogus\n".repeat(200));
        assertEquals(50, many.split("error: unknown instruction").length - 1);
        assertTrue(many.endsWith("t.s: note: too many errors; stopping\n"), many.substring(many.length() - 100));
    }

    @Test
    void includeCycleIsDetected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.s"), ".include \"b.s\"\n");
        Files.writeString(dir.resolve("b.s"), "nop\n.include \"a.s\"\n");
        try {
            Assembler.assemble(SourceFile.read(dir.resolve("a.s")));
        } catch (ToolchainException e) {
            String a = dir.resolve("a.s").toString(), b = dir.resolve("b.s").toString();
            assertEquals(b + ":2:10: error: include cycle: " + a + " includes " + b + " includes " + a + "\n.include \"a.s\"\n         ^\n", e.format());
            return;
        }
        throw new AssertionError("cycle not detected");
    }

    /** Issue 15 defect 1: 256 x 16 MiB of .bss once wrapped to 0, so a later label sat at 4096. */
    @Test
    void sectionSizeNeverWraps() {
        String source = ".bss\n" + ".space 16777216\n".repeat(256) + ".space 4096\nend:\n";
        String errors = Asm.errors(source);
        assertTrue(errors.startsWith("t.s:129:1: error: .bss would grow to 2147483648 bytes; a section holds at most 2147483647\n"
                + ".space 16777216\n^\n"), errors);
    }

    /**
     * Issue 15 defect 2: 129 x 16 MiB of .data was an internal error after gigabytes; now the
     * first statement past 64 MiB is refused before its bytes are allocated.
     */
    @Test
    void sectionWithContentsIsCappedBeforeAllocating() {
        String source = ".data\n" + ".space 16777216\n".repeat(129);
        String errors = Asm.errors(source);
        assertTrue(errors.startsWith("t.s:6:1: error: .data would grow to 83886080 bytes; a section with contents holds at most 67108864"
                + " (64 MiB; only .bss may be larger)\n.space 16777216\n^\n"), errors);
        assertTrue(Asm.errors(".text\n" + ".space 16777216\n".repeat(4) + "  nop\n").startsWith(
                "t.s:6:3: error: .text would grow to 67108868 bytes; a section with contents holds at most 67108864"), "nop past the cap");
    }

    /**
     * Issue 15 defect 3: 39 macros each calling the previous twice stay within the depth limit
     * but would expand 2^39 lines; the total is bounded, and the error names the chain.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void macroExpansionHasATotalLimit() {
        StringBuilder source = new StringBuilder(".macro m1\nnop\n.endm\n");
        for (int i = 2; i <= 39; i++) source.append(".macro m").append(i).append("\n  m").append(i - 1).append("\n  m").append(i - 1).append("\n.endm\n");
        source.append("m39\n");
        String errors = Asm.errors(source.toString());
        assertTrue(errors.matches("(?s)t\\.s:\\d+:3: error: macro expansion exceeds 1000000 lines: m39 -> m38 -> .* -> m\\d+\n  m\\d+\n  \\^\n"
                + "t\\.s:\\d+: note: in expansion of macro 'm\\d+'\n.*t\\.s:156: note: in expansion of macro 'm39'\n"), errors);
    }
}
