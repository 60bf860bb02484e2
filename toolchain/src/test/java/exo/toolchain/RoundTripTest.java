package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import exo.emulator.isa.Disassembler;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import exo.toolchain.exe.ExeSymbolizer;
import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.obj.InstructionSlots;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * For every instruction form, with edge and random operand values: the disassembler's text
 * assembles to the same word, and disassembling the result and assembling again is the identity.
 */
class RoundTripTest {
    private static final int BASE = LinkOptions.DEFAULT_BASE;

    private static int value(Operand k, Random rnd, int round) {
        switch (k) {
            case SIMM16: return round == 0 ? -32768 : round == 1 ? 32767 : rnd.nextInt(65536) - 32768;
            case UIMM16: return round == 0 ? 0 : round == 1 ? 65535 : rnd.nextInt(65536);
            case SHAMT: return round == 0 ? 0 : round == 1 ? 31 : rnd.nextInt(32);
            case CODE26: return round == 0 ? 0 : round == 1 ? (1 << 26) - 1 : rnd.nextInt(1 << 26);
            case BRANCH16: return 4 * (round == 0 ? -32768 : round == 1 ? 32767 : rnd.nextInt(65536) - 32768);
            case JUMP21: return 4 * (round == 0 ? -(1 << 20) : round == 1 ? (1 << 20) - 1 : rnd.nextInt(1 << 21) - (1 << 20));
            default: return round == 0 ? 0 : round == 1 ? 31 : rnd.nextInt(32);
        }
    }

    @Test
    void everyInstructionFormRoundTrips() {
        Random rnd = new Random(7);
        StringBuilder src = new StringBuilder(".globl _start\n_start:\n");
        java.util.List<Integer> expected = new java.util.ArrayList<>();
        for (Opcode op : Opcode.values()) {
            for (int round = 0; round < 12; round++) {
                Operand[] kinds = InstructionSlots.of(op.format);
                int[] v = new int[kinds.length];
                for (int i = 0; i < v.length; i++) v[i] = value(kinds[i], rnd, round);
                int word = op.encode(v);
                int pc = BASE + 4 * expected.size();
                src.append("  ").append(Disassembler.format(word, pc)).append('\n');
                expected.add(word);
            }
        }
        Executable exe = Asm.link(Asm.object(src.toString()));
        int[] want = expected.stream().mapToInt(Integer::intValue).toArray();
        int[] got = Asm.textWords(exe);
        assertArrayEquals(want, got);

        // Disassemble the linked program (with symbol annotations) and assemble that again.
        ExeSymbolizer names = new ExeSymbolizer(exe);
        StringBuilder again = new StringBuilder(".globl _start\n_start:\n");
        for (int i = 0; i < got.length; i++) again.append("  ").append(Disassembler.format(got[i], BASE + 4 * i, names::nameOf)).append('\n');
        assertArrayEquals(got, Asm.textWords(Asm.link(Asm.object(again.toString()))));
        assertEquals(Opcode.values().length * 12, got.length);
    }

    @Test
    void labelsInsteadOfAddressesGiveTheSameBytes() {
        String src = ".globl _start\n_start: beq a0, a1, there\n jal ra, there\nthere: bne a0, zero, _start\n";
        int[] words = Asm.textWords(Asm.link(Asm.object(src)));
        String dis = ".globl _start\n_start: " + Disassembler.format(words[0], BASE) + "\n " + Disassembler.format(words[1], BASE + 4)
                + "\n " + Disassembler.format(words[2], BASE + 8) + "\n";
        assertArrayEquals(words, Asm.textWords(Asm.link(Asm.object(dis))));
    }
}
