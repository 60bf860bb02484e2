package exo.toolchain.asm;

import exo.toolchain.Diagnostics;
import exo.toolchain.SourceFile;
import exo.toolchain.obj.ObjSection;
import exo.toolchain.obj.ObjSymbol;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.Relocation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The assembler's final state as an object file: labels and exported constants become symbols
 * (numeric local labels do not), external symbols only if something refers to them, and every
 * pending relocation is pointed at a section, a symbol index or an absolute address.
 */
final class ObjectBuilder {
    private ObjectBuilder() {}

    /** Builds the object; a relocation that cannot be expressed is reported to diags and left out. */
    static ObjectFile build(String name, Section[] sections, Collection<Sym> symbols, List<String> fileNames,
            ToIntFunction<SourceFile> fileIndex, Diagnostics diags) {
        List<ObjSymbol> table = new ArrayList<>();
        Set<Sym> referenced = new HashSet<>();
        for (Section sec : sections) for (PendingReloc p : sec.relocations) referenced.add(p.base());
        for (Sym s : symbols) {
            if (s.hidden) continue;
            int file = s.defLoc != null ? fileIndex.applyAsInt(s.defLoc.outermost().file) : s.refLoc != null ? fileIndex.applyAsInt(s.refLoc.outermost().file) : 0;
            int line = s.defLoc != null ? s.defLoc.outermost().line : s.refLoc != null ? s.refLoc.outermost().line : 0;
            if (s.kind == Sym.LABEL) {
                s.index = table.size();
                table.add(new ObjSymbol(s.name, s.section.kind.ordinal(), (int) s.value, s.global, file, line));
            } else if (s.kind == Sym.EQU && s.global && s.expr == null) {
                s.index = table.size();
                if (s.base == null) table.add(new ObjSymbol(s.name, ObjSymbol.ABSOLUTE, (int) s.value, true, file, line));
                else if (s.base.kind == Sym.SECTION) table.add(new ObjSymbol(s.name, s.base.section.kind.ordinal(), (int) s.value, true, file, line));
                else s.index = -1;
            } else if (!s.defined() && (s.extern || s.global) && referenced.contains(s)) {
                s.index = table.size();
                table.add(new ObjSymbol(s.name, ObjSymbol.UNDEFINED, 0, true, file, line));
            }
        }
        List<ObjSection> out = new ArrayList<>();
        for (Section sec : sections) {
            List<Relocation> rels = new ArrayList<>();
            for (PendingReloc p : sec.relocations) {
                Sym b = p.base();
                if (b == null) rels.add(new Relocation(p.offset(), p.kind(), Relocation.Target.ABSOLUTE, 0, (int) p.addend()));
                else if (b.kind == Sym.SECTION) rels.add(new Relocation(p.offset(), p.kind(), Relocation.Target.SECTION, b.section.kind.ordinal(), (int) p.addend()));
                else if (b.index >= 0) rels.add(new Relocation(p.offset(), p.kind(), Relocation.Target.SYMBOL, b.index, (int) p.addend()));
                else diags.report(p.loc().error(p.col(), "'" + b.name + "' is an alias of an external symbol plus an offset and cannot be exported"));
            }
            byte[] bytes = sec.kind.hasBytes() ? Arrays.copyOf(sec.bytes, sec.size) : new byte[0];
            out.add(new ObjSection(sec.kind, sec.align, sec.size, bytes, rels, List.copyOf(sec.lines)));
        }
        return new ObjectFile(name, fileNames, out, table);
    }

}
