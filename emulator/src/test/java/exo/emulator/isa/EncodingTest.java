package exo.emulator.isa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The ISA table's encodings: disjoint, and encode → decode → disassemble → parse is the identity. */
class EncodingTest {
    private static final int PC = 0x0040_0000;

    @Test
    void noTwoEncodingsOverlap() {
        Opcode[] ops = Opcode.values();
        for (int i = 0; i < ops.length; i++) {
            for (int j = i + 1; j < ops.length; j++) {
                // Two rows overlap iff some word satisfies both: they agree on every bit both fix.
                int both = ops[i].mask & ops[j].mask;
                assertTrue(((ops[i].match ^ ops[j].match) & both) != 0, ops[i] + " and " + ops[j] + " overlap");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void matchLiesInsideMaskAndMnemonicIsUnique(Opcode op) {
        assertEquals(0, op.match & ~op.mask, op + " fixes bits outside its mask");
        assertEquals(op, Decoder.byMnemonic(op.mnemonic));
        assertEquals(op, Decoder.decode(op.match));
    }

    /** The decoder agrees with a brute-force scan of the table on random and near-valid words. */
    @Test
    void decoderAgreesWithTableScan() {
        Random rnd = new Random(7);
        Opcode[] ops = Opcode.values();
        for (int i = 0; i < 200_000; i++) {
            int w = rnd.nextInt();
            if (i % 2 == 0) {
                // Start from a valid row and flip a random bit, to probe reserved fields.
                Opcode base = ops[rnd.nextInt(ops.length)];
                w = (w & ~base.mask | base.match) ^ (i % 4 == 0 ? 1 << rnd.nextInt(32) : 0);
            }
            Opcode expected = null;
            for (Opcode op : ops) {
                if ((w & op.mask) == op.match) expected = op;
            }
            assertEquals(expected, Decoder.decode(w), String.format("word 0x%08x", w));
        }
    }

    @Test
    void aluImmediatesDecodeAsTheirOperandSays() {
        Random rnd = new Random(5);
        for (Format f : new Format[] {Format.I, Format.IU, Format.SH, Format.U}) {
            for (int i = 0; i < 10_000; i++) {
                int w = rnd.nextInt() & ~f.reservedMask;
                int[] fields = f.unpack(w);
                assertEquals(fields[fields.length - 1], f.immediate(w), f + String.format(" word 0x%08x", w));
            }
        }
    }

    @Test
    void reservedBitsMakeAWordIllegal() {
        assertNull(Decoder.decode(Opcode.ADD.encode(1, 2, 3) | 1 << 6), "R: bits 10..6");
        assertNull(Decoder.decode(Opcode.RDCYCLE.encode(1) | 1 << 16), "RD: field B");
        assertNull(Decoder.decode(Opcode.RDCYCLE.encode(1) | 1 << 11), "RD: field C");
        assertNull(Decoder.decode(Opcode.SLLI.encode(1, 2, 31) | 1 << 5), "SH: bit 5");
        assertNull(Decoder.decode(Opcode.SLLI.encode(1, 2, 31) | 1 << 15), "SH: bit 15");
        assertNull(Decoder.decode(Opcode.LUI.encode(1, 0xFFFF) | 1 << 16), "U: field B");
        assertNull(Decoder.decode(63 << 26), "unused primary opcode");
        assertNull(Decoder.decode(13), "unused funct");
        assertEquals(".word 0xfc000000", Disassembler.format(63 << 26, 0));
    }

    /** Operand vectors at the edges of every field of a format, plus seeded random ones. */
    static List<int[]> operandVectors(Format f) {
        List<int[]> out = new ArrayList<>();
        int[] regs = {0, 1, 30, 31};
        int[] simm = {0, 1, -1, 32767, -32768};
        int[] uimm = {0, 1, 0x7FFF, 0x8000, 0xFFFF};
        int[] br = {0, 4, -4, 32767 * 4, -32768 * 4};
        int[] jmp = {0, 4, -4, ((1 << 20) - 1) * 4, -(1 << 20) * 4};
        for (int i = 0; i < 5; i++) {
            int r1 = regs[i % 4], r2 = regs[(i + 1) % 4], r3 = regs[(i + 2) % 4];
            switch (f) {
                case R: out.add(new int[] {r1, r2, r3}); break;
                case RD: out.add(new int[] {r1}); break;
                case I: out.add(new int[] {r1, r2, simm[i]}); break;
                case IU: out.add(new int[] {r1, r2, uimm[i]}); break;
                case SH: out.add(new int[] {r1, r2, new int[] {0, 1, 15, 31, 30}[i]}); break;
                case U: out.add(new int[] {r1, uimm[i]}); break;
                case LD: case ST: case JR: out.add(new int[] {r1, simm[i], r2}); break;
                case BR: out.add(new int[] {r1, r2, br[i]}); break;
                case J: out.add(new int[] {r1, jmp[i]}); break;
                case SYS: out.add(new int[] {new int[] {0, 1, 0x3FFFFFF, 12345, 0x2000000}[i]}); break;
                default: throw new IllegalStateException("format " + f);
            }
        }
        Random rnd = new Random(f.ordinal());
        for (int i = 0; i < 50; i++) {
            int[] v = out.get(0).clone();
            int[] shape = out.get(i % 5);
            for (int k = 0; k < v.length; k++) v[k] = shape[k] == 0 && rnd.nextBoolean() ? 0 : randomLike(f, k, rnd);
            out.add(v);
        }
        return out;
    }

    private static int randomLike(Format f, int slot, Random rnd) {
        Operand o = slotOperand(f, slot);
        switch (o) {
            case SIMM16: return (short) rnd.nextInt();
            case UIMM16: return rnd.nextInt(1 << 16);
            case SHAMT: return rnd.nextInt(32);
            case BRANCH16: return ((short) rnd.nextInt()) * 4;
            case JUMP21: return ((rnd.nextInt() << 11) >> 11) * 4;
            case CODE26: return rnd.nextInt(1 << 26);
            default: return rnd.nextInt(32);
        }
    }

    /** The operand kind of slot k (a MEM operand takes two slots: offset, then base). */
    private static Operand slotOperand(Format f, int k) {
        int slot = 0;
        for (Operand o : f.operands) {
            if (o == Operand.MEM) {
                if (k == slot) return Operand.SIMM16;
                if (k == slot + 1) return Operand.RS1;
                slot += 2;
            } else {
                if (k == slot) return o;
                slot++;
            }
        }
        throw new IllegalStateException("slot " + k + " of " + f);
    }

    static Stream<Opcode> opcodes() {
        return Stream.of(Opcode.values());
    }

    @ParameterizedTest
    @MethodSource("opcodes")
    void encodeDecodeDisassembleParseIsIdentity(Opcode op) {
        for (int[] v : operandVectors(op.format)) {
            int w = op.encode(v);
            assertEquals(op, Decoder.decode(w), () -> op + " " + java.util.Arrays.toString(v));
            assertArrayEquals(v, op.format.unpack(w), () -> op + " unpack");
            String text = Disassembler.format(w, PC);
            assertEquals(w, parse(text, PC), () -> op + " text '" + text + "'");
        }
    }

    @Test
    void disassemblySyntax() {
        assertEquals("add t0, zero, k1", Disassembler.format(Opcode.ADD.encode(12, 0, 31), 0));
        assertEquals("lw a0, -4(sp)", Disassembler.format(Opcode.LW.encode(4, -4, 2), 0));
        assertEquals("sw ra, 8(s0)", Disassembler.format(Opcode.SW.encode(1, 8, 22), 0));
        assertEquals("beq a0, a1, 0xfc <loop>", Disassembler.format(Opcode.BEQ.encode(4, 5, -4), 0x100,
                a -> a == 0xfc ? "loop" : null));
        assertEquals("jal ra, 0x2000", Disassembler.format(Opcode.JAL.encode(1, 0x1000), 0x1000));
        assertEquals("jalr zero, 0(k0)", Disassembler.format(Opcode.JALR.encode(0, 0, 30), 0));
        assertEquals("lui t0, 65535", Disassembler.format(Opcode.LUI.encode(12, 0xFFFF), 0));
        assertEquals("syscall", Disassembler.format(Opcode.SYSCALL.encode(0), 0));
        assertEquals("break 7", Disassembler.format(Opcode.BREAK.encode(7), 0));
        assertEquals("rdcycle a0", Disassembler.format(Opcode.RDCYCLE.encode(4), 0));
    }

    private static final Pattern MEM = Pattern.compile("(-?\\d+)\\((\\w+)\\)");

    /**
     * Parses the disassembler's output back to a word, using only the table: a stand-in for the
     * assembler, so the round trip needs nothing outside the ISA package.
     */
    static int parse(String text, int pc) {
        String[] parts = text.split(" ", 2);
        Opcode op = Decoder.byMnemonic(parts[0]);
        if (op == null) throw new AssertionError("unknown mnemonic in '" + text + "'");
        String[] args = parts.length == 1 ? new String[0] : parts[1].split(", ");
        List<Integer> v = new ArrayList<>();
        int i = 0;
        for (Operand o : op.format.operands) {
            if (o == Operand.CODE26) {
                v.add(args.length == 0 ? 0 : Integer.parseInt(args[0]));
                break;
            }
            String a = args[i++];
            switch (o) {
                case RD: case RS1: case RS2: case RSA: case BRA: case BRB: v.add(register(a)); break;
                case SIMM16: case UIMM16: case SHAMT: v.add(Integer.parseInt(a)); break;
                case MEM: {
                    Matcher m = MEM.matcher(a);
                    if (!m.matches()) throw new AssertionError("bad memory operand '" + a + "'");
                    v.add(Integer.parseInt(m.group(1)));
                    v.add(register(m.group(2)));
                    break;
                }
                case BRANCH16: case JUMP21: v.add(Integer.parseUnsignedInt(a.split(" ")[0].substring(2), 16) - pc); break;
                default: throw new AssertionError("operand " + o);
            }
        }
        if (i != args.length && op.format != Format.SYS) throw new AssertionError("extra operands in '" + text + "'");
        return op.encode(v.stream().mapToInt(Integer::intValue).toArray());
    }

    private static int register(String name) {
        int r = Register.parse(name);
        if (r < 0) throw new AssertionError("bad register '" + name + "'");
        return r;
    }
}
