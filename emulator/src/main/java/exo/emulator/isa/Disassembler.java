package exo.emulator.isa;

/**
 * One instruction word to text, in the syntax the assembler accepts, so that assembling the
 * output gives back the same word. Targets are printed as absolute addresses, with the symbol
 * that names them when a {@link Symbols} lookup knows one.
 */
public final class Disassembler {
    /** Names addresses for the disassembler; returns null for an unnamed address. */
    @FunctionalInterface
    public interface Symbols {
        String nameOf(int address);

        Symbols NONE = a -> null;
    }

    private Disassembler() {}

    public static String format(int word, int pc) {
        return format(word, pc, Symbols.NONE);
    }

    /** Text of the instruction at pc; an invalid word prints as {@code .word 0x...}. */
    public static String format(int word, int pc, Symbols symbols) {
        Opcode op = Decoder.decode(word);
        if (op == null) return String.format(".word 0x%08x", word);
        int[] v = op.format.unpack(word);
        StringBuilder sb = new StringBuilder(op.mnemonic);
        int slot = 0;
        boolean first = true;
        for (Operand o : op.format.operands) {
            if (o == Operand.CODE26) {
                if (v[0] != 0) sb.append(' ').append(v[0]);
                break;
            }
            sb.append(first ? " " : ", ");
            first = false;
            switch (o) {
                case RD: case RS1: case RS2: case RSA: case BRA: case BRB:
                    sb.append(Register.name(v[slot++]));
                    break;
                case SIMM16: case UIMM16: case SHAMT:
                    sb.append(v[slot++]);
                    break;
                case MEM:
                    sb.append(v[slot]).append('(').append(Register.name(v[slot + 1])).append(')');
                    slot += 2;
                    break;
                case BRANCH16: case JUMP21: {
                    int target = pc + v[slot++];
                    sb.append(String.format("0x%x", target));
                    String name = symbols.nameOf(target);
                    if (name != null) sb.append(" <").append(name).append('>');
                    break;
                }
                default:
                    throw new IllegalStateException("operand " + o);
            }
        }
        return sb.toString();
    }
}
