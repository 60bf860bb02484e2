package exo.toolchain.link;

import exo.emulator.isa.Decoder;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import exo.emulator.machine.Pages;
import exo.toolchain.Diagnostic;
import exo.toolchain.Diagnostics;
import exo.toolchain.Suggest;
import exo.toolchain.ToolchainException;
import exo.toolchain.exe.Executable;
import exo.toolchain.obj.InstructionSlots;
import exo.toolchain.obj.LineEntry;
import exo.toolchain.obj.ObjSection;
import exo.toolchain.obj.ObjSymbol;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.RelocKind;
import exo.toolchain.obj.Relocation;
import exo.toolchain.obj.SectionKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Combines objects, and the archive members they need, into an executable: resolves global
 * symbols (each defined once), lays out one page-aligned segment per section kind, patches
 * every relocation, and merges symbols and line tables. Every problem found is reported, each
 * naming the symbol, the files involved and, for range errors, the value and the limits.
 */
public final class Linker {
    private final Diagnostics diags = new Diagnostics();
    private final List<ObjectFile> included = new ArrayList<>();
    /** Global name to the object and symbol index defining it. */
    private final Map<String, Def> globals = new LinkedHashMap<>();
    /** base[object][section kind]: the address of that object's section. */
    private final List<long[]> base = new ArrayList<>();
    /** Start address and contents of each section kind's segment (null contents if absent). */
    private final long[] segBase = new long[SectionKind.ALL.length];
    private final byte[][] contents = new byte[SectionKind.ALL.length][];

    private record Def(ObjectFile obj, int objIndex, ObjSymbol sym) {}

    private Linker() {}

    /**
     * Links objects (all taken) with archives (members taken only if they define a symbol that
     * is still needed, repeatedly, so members may need each other in any order).
     */
    public static Executable link(List<ObjectFile> objects, List<List<ObjectFile>> archives, LinkOptions options) throws ToolchainException {
        Linker l = new Linker();
        return l.run(objects, archives, options);
    }

    private Executable run(List<ObjectFile> objects, List<List<ObjectFile>> archives, LinkOptions options) throws ToolchainException {
        for (ObjectFile o : objects) include(o);
        Set<ObjectFile> taken = new java.util.HashSet<>(objects);
        boolean changed = true;
        while (changed) {
            changed = false;
            Set<String> needed = undefinedNames(options.entry());
            for (List<ObjectFile> archive : archives) {
                for (ObjectFile m : archive) {
                    if (taken.contains(m) || !definesAny(m, needed)) continue;
                    taken.add(m);
                    include(m);
                    needed = undefinedNames(options.entry());
                    changed = true;
                }
            }
        }
        reportUndefined();
        diags.check();
        List<Executable.Segment> segments = layout(options.base());
        diags.check();
        relocate();
        int entry = entry(options.entry(), segments);
        diags.check();
        return assemble(segments, entry);
    }

    private void include(ObjectFile o) {
        included.add(o);
        for (ObjSymbol s : o.symbols) {
            if (!s.global() || !s.defined()) continue;
            Def prev = globals.get(s.name());
            if (prev != null) {
                diags.report(Diagnostic.error(o.files.get(s.file()), s.line(), 0,
                        "duplicate symbol '" + s.name() + "': defined in " + o.name + " and in " + prev.obj.name, null)
                        .withNote(Diagnostic.note(prev.obj.files.get(prev.sym.file()), prev.sym.line(), 0, "first defined here, in " + prev.obj.name, null)));
            } else {
                globals.put(s.name(), new Def(o, included.size() - 1, s));
            }
        }
    }

    private Set<String> undefinedNames(String entry) {
        Set<String> out = new LinkedHashSet<>();
        for (ObjectFile o : included) for (ObjSymbol s : o.symbols) if (!s.defined() && !globals.containsKey(s.name())) out.add(s.name());
        if (!globals.containsKey(entry) && !definesLocally(entry)) out.add(entry);
        return out;
    }

    private boolean definesLocally(String name) {
        for (ObjectFile o : included) for (ObjSymbol s : o.symbols) if (s.defined() && s.name().equals(name)) return true;
        return false;
    }

    private static boolean definesAny(ObjectFile m, Set<String> names) {
        for (ObjSymbol s : m.symbols) if (s.global() && s.defined() && names.contains(s.name())) return true;
        return false;
    }

    private void reportUndefined() {
        for (ObjectFile o : included) {
            for (int i = 0; i < o.symbols.size(); i++) {
                ObjSymbol s = o.symbols.get(i);
                if (s.defined() || globals.containsKey(s.name())) continue;
                diags.report(Diagnostic.error(o.files.get(s.file()), s.line(), 0, "undefined symbol '" + s.name() + "', referenced in " + o.name
                        + Suggest.didYouMean(s.name(), globals.keySet()), null));
            }
        }
    }

    private List<Executable.Segment> layout(int start) {
        List<Executable.Segment> out = new ArrayList<>();
        for (int i = 0; i < included.size(); i++) base.add(new long[SectionKind.ALL.length]);
        long addr = Integer.toUnsignedLong(start);
        if (!Pages.aligned(start)) {
            diags.report(Diagnostic.error(null, "base address 0x" + Long.toHexString(addr) + " is not page-aligned"));
            return out;
        }
        for (SectionKind k : SectionKind.ALL) {
            addr = Integer.toUnsignedLong(Pages.start(Pages.count(addr))); // up to a page boundary
            long segStart = addr;
            for (int i = 0; i < included.size(); i++) {
                ObjSection s = included.get(i).section(k);
                addr = (addr + s.align() - 1) & -(long) s.align();
                base.get(i)[k.ordinal()] = addr;
                addr += Integer.toUnsignedLong(s.size());
            }
            if (addr == segStart) continue;
            if (segStart < Executable.USER_BASE || addr > Executable.USER_LIMIT) {
                diags.report(Diagnostic.error(null, k.directive + " segment 0x" + Long.toHexString(segStart) + "..0x" + Long.toHexString(addr)
                        + " does not fit in the user address range 0x" + Long.toHexString(Executable.USER_BASE) + "..0x" + Long.toHexString(Executable.USER_LIMIT - 1)));
                return out;
            }
            byte[] data = new byte[k.hasBytes() ? (int) (addr - segStart) : 0];
            if (k.hasBytes()) {
                for (int i = 0; i < included.size(); i++) {
                    ObjSection s = included.get(i).section(k);
                    System.arraycopy(s.data(), 0, data, (int) (base.get(i)[k.ordinal()] - segStart), s.size());
                }
            }
            segBase[k.ordinal()] = segStart;
            contents[k.ordinal()] = data;
            out.add(new Executable.Segment((int) segStart, (int) (addr - segStart), k.flags, data));
        }
        return out;
    }

    /** Address of symbol i of object o (a resolved global if o only refers to it). */
    private long address(int objIndex, ObjSymbol s) {
        if (s.section() == ObjSymbol.ABSOLUTE) return Integer.toUnsignedLong(s.value());
        if (s.section() >= 0) return base.get(objIndex)[s.section()] + Integer.toUnsignedLong(s.value());
        Def d = globals.get(s.name());
        return address(d.objIndex, d.sym);
    }

    private void relocate() {
        for (int i = 0; i < included.size(); i++) {
            ObjectFile o = included.get(i);
            for (ObjSection sec : o.sections) {
                for (Relocation r : sec.relocations()) {
                    long target;
                    String name;
                    switch (r.targetType()) {
                        case SYMBOL:
                            ObjSymbol s = o.symbols.get(r.target());
                            target = address(i, s);
                            name = "'" + s.name() + "'";
                            break;
                        case SECTION:
                            target = base.get(i)[r.target()];
                            name = "a label in " + SectionKind.ALL[r.target()].directive;
                            break;
                        default:
                            target = 0;
                            name = "address 0x" + Integer.toHexString(r.addend());
                    }
                    long p = base.get(i)[sec.kind().ordinal()] + r.offset();
                    int value = (int) (target + r.addend());
                    patch(o, sec, r, contents[sec.kind().ordinal()], (int) (p - segBase[sec.kind().ordinal()]), value, (int) p, name);
                }
            }
        }
    }

    private void patch(ObjectFile o, ObjSection sec, Relocation r, byte[] seg, int at, int value, int p, String name) {
        if (r.kind() == RelocKind.ABS32) {
            put32(seg, at, value);
            return;
        }
        int word = get32(seg, at);
        Opcode op = Decoder.decode(word);
        Operand want = r.kind() == RelocKind.BRANCH16 ? Operand.BRANCH16 : r.kind() == RelocKind.JUMP21 ? Operand.JUMP21 : Operand.UIMM16;
        int slot = op == null ? -1 : InstructionSlots.find(op.format, want);
        if (slot < 0) {
            error(o, sec, r, r.kind().label + " relocation at 0x" + Integer.toHexString(p) + " does not apply to "
                    + (op == null ? "an invalid instruction" : "'" + op.mnemonic + "'") + " (corrupt object)");
            return;
        }
        int[] v = op.format.unpack(word);
        switch (r.kind()) {
            case HI16: v[slot] = value >>> 16; break;
            case LO16: v[slot] = value & 0xFFFF; break;
            default: {
                long off = (long) value - p;
                long limit = r.kind() == RelocKind.BRANCH16 ? 1L << 17 : 1L << 22;
                if ((off & 3) != 0 || off < -limit || off > limit - 4) {
                    error(o, sec, r, r.kind().label + " relocation against " + name + " out of range: target 0x" + Integer.toHexString(value)
                            + " is " + off + " bytes from 0x" + Integer.toHexString(p) + ", allowed " + -limit + ".." + (limit - 4) + " in steps of 4 (in " + o.name + ")");
                    return;
                }
                v[slot] = (int) off;
            }
        }
        put32(seg, at, op.encode(v));
    }

    private void error(ObjectFile o, ObjSection sec, Relocation r, String message) {
        LineEntry e = sec.lineAt(r.offset());
        if (e == null) diags.report(Diagnostic.error(o.name, message));
        else diags.report(Diagnostic.error(o.files.get(e.file()), e.line(), 0, message, null));
    }

    private int entry(String name, List<Executable.Segment> segments) {
        long addr = -1;
        Def d = globals.get(name);
        if (d != null) {
            addr = address(d.objIndex, d.sym);
        } else {
            for (int i = 0; i < included.size() && addr < 0; i++) {
                for (ObjSymbol s : included.get(i).symbols) if (s.defined() && s.name().equals(name)) addr = address(i, s);
            }
        }
        if (addr < 0) {
            diags.report(Diagnostic.error(null, "entry symbol '" + name + "' is not defined" + Suggest.didYouMean(name, globals.keySet())
                    + " (define it, or choose another with --entry)"));
            return 0;
        }
        for (Executable.Segment s : segments) {
            if (s.contains((int) addr) && s.flags() == SectionKind.TEXT.flags) return (int) addr;
        }
        diags.report(Diagnostic.error(null, "entry symbol '" + name + "' at 0x" + Long.toHexString(addr) + " is not in .text"));
        return 0;
    }

    private Executable assemble(List<Executable.Segment> segments, int entry) {
        List<Executable.Symbol> symbols = new ArrayList<>();
        Map<String, Integer> fileIds = new HashMap<>();
        List<String> files = new ArrayList<>();
        List<Executable.Line> lines = new ArrayList<>();
        for (int i = 0; i < included.size(); i++) {
            ObjectFile o = included.get(i);
            for (ObjSymbol s : o.symbols) {
                if (s.defined()) symbols.add(new Executable.Symbol(s.name(), (int) address(i, s), s.global(), s.section() == ObjSymbol.ABSOLUTE));
            }
        }
        for (SectionKind k : SectionKind.ALL) {
            for (int i = 0; i < included.size(); i++) {
                ObjectFile o = included.get(i);
                for (LineEntry e : o.section(k).lines()) {
                    String f = o.files.get(e.file());
                    int id = fileIds.computeIfAbsent(f, x -> {
                        files.add(x);
                        return files.size() - 1;
                    });
                    lines.add(new Executable.Line((int) (base.get(i)[k.ordinal()] + e.offset()), id, Math.max(1, e.line())));
                }
            }
        }
        return new Executable(segments, entry, symbols, files, lines);
    }

    private static int get32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static void put32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }
}
