package exo.emulator.isa;

import exo.emulator.machine.Cause;
import exo.emulator.machine.Tlb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Renders the tables of docs/isa.md from the ISA table, so the reference cannot drift from the
 * machine. The document is hand-written prose with generated sections between marker lines
 * {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}; {@link #update} replaces each
 * section's body and leaves the prose alone. A test fails when the file differs from what this
 * class renders. To regenerate after changing the table:
 *
 * <pre>
 * mvn -q -o -pl emulator -am compile && java -cp emulator/target/classes exo.emulator.isa.IsaDoc docs/isa.md
 * </pre>
 */
public final class IsaDoc {
    private IsaDoc() {}

    /** Generated sections by name, in document order. */
    public static Map<String, String> sections() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("registers", registers());
        s.put("operands", operands());
        s.put("formats", formats());
        s.put("instructions", instructions());
        s.put("causes", causes());
        s.put("tlb-flags", tlbFlags());
        return s;
    }

    static String registers() {
        StringBuilder sb = new StringBuilder("| register | ABI name | role |\n|---|---|---|\n");
        for (int r = 0; r < Register.COUNT; r++) {
            sb.append("| r").append(r).append(" | `").append(Register.name(r)).append("` | ").append(Register.role(r)).append(" |\n");
        }
        return sb.toString();
    }

    static String operands() {
        StringBuilder sb = new StringBuilder("| operand | written as | meaning |\n|---|---|---|\n");
        for (Operand o : Operand.values()) {
            sb.append("| ").append(o).append(" | `").append(o.syntax).append("` | ").append(o.meaning).append(" |\n");
        }
        return sb.toString();
    }

    static String formats() {
        StringBuilder sb = new StringBuilder("| format | operands | reserved bits (must be zero) |\n|---|---|---|\n");
        for (Format f : Format.values()) {
            sb.append("| ").append(f).append(" | `").append(syntax(f)).append("` | ")
                    .append(f.reservedMask == 0 ? "none" : hex(f.reservedMask)).append(" |\n");
        }
        return sb.toString();
    }

    static String instructions() {
        StringBuilder sb = new StringBuilder(
                "| mnemonic | assembly | format | opcode | funct | match / mask | semantics | exceptions |\n|---|---|---|---|---|---|---|---|\n");
        for (Opcode op : Opcode.values()) {
            StringJoiner raises = new StringJoiner(", ");
            for (Cause c : op.raises) raises.add(c.shortName);
            sb.append("| `").append(op.mnemonic).append("` | `").append(op.mnemonic);
            String operands = syntax(op.format);
            if (!operands.isEmpty()) sb.append(' ').append(operands);
            sb.append("` | ").append(op.format).append(" | ").append(op.primary).append(" | ")
                    .append(op.primary == 0 ? String.valueOf(op.funct) : "—").append(" | ")
                    .append(hex(op.match)).append(" / ").append(hex(op.mask)).append(" | ")
                    .append(op.description.replace("|", "\\|")).append(" | ")
                    .append(raises.length() == 0 ? "—" : raises.toString()).append(" |\n");
        }
        return sb.toString();
    }

    static String causes() {
        StringBuilder sb = new StringBuilder("| code | cause | short name | sets BADVADDR | meaning |\n|---|---|---|---|---|\n");
        for (Cause c : Cause.values()) {
            sb.append("| ").append(c.code).append(" | ").append(c).append(" | `").append(c.shortName).append("` | ")
                    .append(c.setsBadVaddr ? "yes" : "no").append(" | ").append(c.description).append(" |\n");
        }
        return sb.toString();
    }

    static String tlbFlags() {
        int[] bits = {Tlb.VALID, Tlb.WRITABLE, Tlb.EXECUTABLE, Tlb.GLOBAL, Tlb.NOCACHE, Tlb.REFERENCED};
        String[] names = {"VALID", "WRITABLE", "EXECUTABLE", "GLOBAL", "NOCACHE", "REFERENCED"};
        StringBuilder sb = new StringBuilder("| flag | value | letter | written by |\n|---|---|---|---|\n");
        for (int i = 0; i < bits.length; i++) {
            String letter = Tlb.flagString(bits[i]).replace("-", "");
            sb.append("| ").append(names[i]).append(" | ").append(hex(bits[i])).append(" | `").append(letter).append("` | ")
                    .append((Tlb.WRITE_FLAGS & bits[i]) != 0 ? "software" : "hardware (software may clear)").append(" |\n");
        }
        return sb.toString();
    }

    /** The operand list of a format in assembly syntax, e.g. {@code rd, simm16(rs1)}. */
    static String syntax(Format f) {
        StringJoiner j = new StringJoiner(", ");
        for (Operand o : f.operands) j.add(o == Operand.CODE26 ? "[code]" : o.syntax);
        return j.toString();
    }

    private static String hex(int v) {
        return String.format("`0x%08x`", v);
    }

    /**
     * The document with every generated section's body replaced by its rendering.
     *
     * @throws IllegalArgumentException if a section's markers are missing or out of order
     */
    public static String update(String doc) {
        String out = doc;
        for (Map.Entry<String, String> e : sections().entrySet()) {
            String begin = "<!-- generated:" + e.getKey() + " -->\n", end = "<!-- end:" + e.getKey() + " -->";
            int b = out.indexOf(begin), x = out.indexOf(end);
            if (b < 0 || x < b) throw new IllegalArgumentException("docs/isa.md lacks the markers for section '" + e.getKey() + "'");
            out = out.substring(0, b + begin.length()) + e.getValue() + out.substring(x);
        }
        return out;
    }

    /** Regenerates the sections of the file named by the one argument, in place. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: IsaDoc path/to/docs/isa.md");
            System.exit(64);
        }
        Path p = Path.of(args[0]);
        String doc = Files.readString(p, StandardCharsets.UTF_8);
        Files.writeString(p, update(doc), StandardCharsets.UTF_8);
    }
}
