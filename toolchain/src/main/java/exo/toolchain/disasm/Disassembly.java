package exo.toolchain.disasm;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Disassembler;
import exo.emulator.isa.Opcode;
import exo.os.ProgramImage;
import exo.toolchain.exe.ExeSymbolizer;
import exo.toolchain.exe.Executable;
import exo.toolchain.obj.ObjSection;
import exo.toolchain.obj.ObjSymbol;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.RelocKind;
import exo.toolchain.obj.Relocation;
import exo.toolchain.obj.SectionKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text listings of objects and executables: for code, one line per word with its address,
 * encoding and instruction (labels above their address, targets named); for data, a hex dump.
 * The instruction column is exactly what the ISA's {@link Disassembler} prints, which the
 * assembler accepts back.
 */
public final class Disassembly {
    private Disassembly() {}

    public static String executable(String name, Executable exe) {
        ExeSymbolizer sym = new ExeSymbolizer(exe);
        Map<Integer, List<String>> labels = new HashMap<>();
        for (Executable.Symbol s : exe.symbols()) if (!s.absolute()) labels.computeIfAbsent(s.value(), k -> new ArrayList<>()).add(s.name());
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(": executable, entry 0x").append(hex(exe.entry()));
        String e = sym.describe(exe.entry());
        if (e != null) sb.append(" <").append(e).append('>');
        sb.append('\n');
        for (Executable.Segment s : exe.segments()) {
            sb.append(String.format("%nsegment 0x%08x %s, %d bytes in memory, %d in the file%n", s.vaddr(), flags(s.flags()), Integer.toUnsignedLong(s.memSize()), s.data().length));
            String lastLine = null;
            for (int off = 0; off < s.data().length; off += (s.flags() & ProgramImage.EXECUTE) != 0 ? 4 : 16) {
                int addr = s.vaddr() + off;
                for (int k = 0; k < ((s.flags() & ProgramImage.EXECUTE) != 0 ? 4 : 16) && off + k < s.data().length; k++) {
                    List<String> l = labels.get(addr + k);
                    if (l != null) for (String n : l) sb.append(String.format("%08x <%s>:%n", addr + k, n));
                }
                if ((s.flags() & ProgramImage.EXECUTE) != 0 && off + 4 <= s.data().length) {
                    int w = word(s.data(), off);
                    String text = Disassembler.format(w, addr, sym::nameOf);
                    String line = sym.lineAt(addr);
                    sb.append(String.format("  %08x:  %08x  %s", addr, w, text));
                    if (line != null && !line.equals(lastLine)) sb.append(" ".repeat(Math.max(1, 40 - text.length()))).append("# ").append(line);
                    lastLine = line;
                    sb.append('\n');
                } else {
                    dump(sb, s.data(), off, addr);
                }
            }
            if (s.data().length < Integer.toUnsignedLong(s.memSize())) {
                for (Executable.Symbol sy : exe.symbols()) {
                    if (!sy.absolute() && Integer.compareUnsigned(sy.value(), s.vaddr() + s.data().length) >= 0 && s.contains(sy.value())) {
                        sb.append(String.format("%08x <%s>%n", sy.value(), sy.name()));
                    }
                }
                sb.append(String.format("  %08x:  (%d zero bytes)%n", s.vaddr() + s.data().length, Integer.toUnsignedLong(s.memSize()) - s.data().length));
            }
        }
        return sb.toString();
    }

    public static String object(ObjectFile o) {
        StringBuilder sb = new StringBuilder();
        sb.append(o.name).append(": object");
        if (!o.files.isEmpty()) sb.append(" from ").append(String.join(", ", o.files));
        sb.append('\n');
        for (ObjSection s : o.sections) {
            if (s.size() == 0) continue;
            sb.append(String.format("%nsection %s, %d bytes, aligned to %d%n", s.kind().directive, Integer.toUnsignedLong(s.size()), s.align()));
            Map<Integer, List<String>> labels = new HashMap<>();
            for (ObjSymbol sym : o.symbols) {
                if (sym.section() == s.kind().ordinal()) labels.computeIfAbsent(sym.value(), k -> new ArrayList<>()).add(sym.name() + (sym.global() ? " (global)" : ""));
            }
            Map<Integer, Relocation> relocs = new HashMap<>();
            for (Relocation r : s.relocations()) relocs.put(r.offset(), r);
            if (!s.kind().hasBytes()) {
                for (Map.Entry<Integer, List<String>> l : new java.util.TreeMap<>(labels).entrySet()) {
                    for (String n : l.getValue()) sb.append(String.format("%08x <%s>:%n", l.getKey(), n));
                }
                sb.append(String.format("  (%d zero bytes)%n", Integer.toUnsignedLong(s.size())));
                continue;
            }
            boolean code = s.kind() == SectionKind.TEXT;
            int step = code ? 4 : 16;
            for (int off = 0; off < s.size(); off += step) {
                for (int k = 0; k < step && off + k < s.size(); k++) {
                    List<String> l = labels.get(off + k);
                    if (l != null) for (String n : l) sb.append(String.format("%08x <%s>:%n", off + k, n));
                }
                if (code && off + 4 <= s.size()) {
                    int w = word(s.data(), off);
                    Relocation r = relocs.get(off);
                    sb.append(String.format("  %08x:  %08x  %s%n", off, w, instruction(o, w, off, r)));
                } else {
                    dump(sb, s.data(), off, off);
                    for (int k = 0; k < step; k++) {
                        Relocation r = relocs.get(off + k);
                        if (r != null) sb.append(String.format("            # %s at +%d: %s%n", r.kind().label, k, target(o, r)));
                    }
                }
            }
        }
        List<String> undefined = new ArrayList<>();
        for (ObjSymbol sym : o.symbols) if (!sym.defined()) undefined.add(sym.name());
        for (ObjSymbol sym : o.symbols) if (sym.section() == ObjSymbol.ABSOLUTE) sb.append(String.format("%nconstant %s = 0x%x", sym.name(), sym.value()));
        if (!undefined.isEmpty()) sb.append("\nundefined: ").append(String.join(", ", undefined)).append('\n');
        return sb.toString();
    }

    /** An instruction in an object: a relocated target is shown as its symbol expression. */
    private static String instruction(ObjectFile o, int w, int off, Relocation r) {
        String text = Disassembler.format(w, off);
        if (r == null) return text;
        Opcode op = Decoder.decode(w);
        if (op != null && (r.kind() == RelocKind.BRANCH16 || r.kind() == RelocKind.JUMP21)) {
            int comma = text.lastIndexOf(", ");
            return text.substring(0, comma + 2) + target(o, r);
        }
        return text + "    # " + r.kind().label + " " + target(o, r);
    }

    private static String target(ObjectFile o, Relocation r) {
        String base;
        switch (r.targetType()) {
            case SYMBOL: base = o.symbols.get(r.target()).name(); break;
            case SECTION: {
                ObjSymbol best = null;
                for (ObjSymbol sym : o.symbols) {
                    if (sym.section() == r.target() && Integer.compareUnsigned(sym.value(), r.addend()) <= 0
                            && (best == null || Integer.compareUnsigned(sym.value(), best.value()) > 0)) best = sym;
                }
                if (best == null) {
                    base = SectionKind.ALL[r.target()].directive;
                    break;
                }
                int off = r.addend() - best.value();
                return best.name() + (off == 0 ? "" : "+" + off);
            }
            default: return "0x" + hex(r.addend());
        }
        if (r.addend() == 0) return base;
        return base + (r.addend() < 0 ? "-" + (-(long) r.addend()) : "+" + r.addend());
    }

    private static void dump(StringBuilder sb, byte[] data, int off, int addr) {
        int n = Math.min(16, data.length - off);
        sb.append(String.format("  %08x:  ", addr));
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i < n) {
                int b = data[off + i] & 0xFF;
                sb.append(String.format("%02x ", b));
                ascii.append(b >= 32 && b < 127 ? (char) b : '.');
            } else {
                sb.append("   ");
            }
        }
        sb.append(' ').append(ascii).append('\n');
    }

    private static int word(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static String hex(int v) {
        return Integer.toHexString(v);
    }

    static String flags(int f) {
        return ((f & ProgramImage.READ) != 0 ? "r" : "-") + ((f & ProgramImage.WRITE) != 0 ? "w" : "-") + ((f & ProgramImage.EXECUTE) != 0 ? "x" : "-");
    }
}
