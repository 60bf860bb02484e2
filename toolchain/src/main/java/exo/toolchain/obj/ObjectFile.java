package exo.toolchain.obj;

import java.util.ArrayList;
import java.util.List;

/**
 * A relocatable object: the four sections, the symbol table, and the names of the source files
 * its line tables refer to. The binary layout is in docs/formats.md; {@link #read} checks every
 * field so that the linker can trust what it gets.
 */
public final class ObjectFile {
    public static final String MAGIC = "EXOO";
    public static final int VERSION = 1;
    /** Largest section alignment: a page, since segments are page-aligned. */
    public static final int MAX_ALIGN = 4096;
    /**
     * Largest section size: the size field is a u32, but a section must fit below the user
     * limit (0x80000000) and its bytes in one Java array, so sizes from 2^31 on are refused.
     */
    public static final int MAX_SECTION_SIZE = Integer.MAX_VALUE;

    /** Display name: the file, or {@code archive.a(member.o)}. */
    public final String name;
    public final List<String> files;
    /** Indexed by {@link SectionKind#ordinal()}. */
    public final List<ObjSection> sections;
    public final List<ObjSymbol> symbols;

    public ObjectFile(String name, List<String> files, List<ObjSection> sections, List<ObjSymbol> symbols) {
        if (sections.size() != SectionKind.ALL.length) throw new IllegalStateException("an object has exactly four sections");
        this.name = name;
        this.files = List.copyOf(files);
        this.sections = List.copyOf(sections);
        this.symbols = List.copyOf(symbols);
    }

    public ObjSection section(SectionKind k) {
        return sections.get(k.ordinal());
    }

    /** "file.s:12" for a line entry, or the object's name when unknown. */
    public String describe(LineEntry e) {
        return e == null ? name : files.get(e.file()) + ":" + e.line();
    }

    public ObjectFile renamed(String newName) {
        return new ObjectFile(newName, files, sections, symbols);
    }

    public byte[] write() {
        ByteWriter w = new ByteWriter();
        w.bytes(MAGIC.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).u16(VERSION).u16(0);
        w.u32(files.size());
        for (String f : files) w.str(f);
        for (ObjSection s : sections) {
            w.u8(s.kind().ordinal()).u32(s.align()).u32(s.size());
            if (s.kind().hasBytes()) w.bytes(s.data(), 0, s.size());
            w.u32(s.relocations().size());
            for (Relocation r : s.relocations()) {
                w.u32(r.offset()).u8(r.kind().ordinal()).u8(r.targetType().ordinal()).u32(r.target()).u32(r.addend());
            }
            w.u32(s.lines().size());
            for (LineEntry e : s.lines()) w.u32(e.offset()).u32(e.file()).u32(e.line());
        }
        w.u32(symbols.size());
        for (ObjSymbol s : symbols) {
            w.str(s.name()).u32(s.section()).u32(s.value()).u8(s.global() ? 1 : 0).u32(s.file()).u32(s.line());
        }
        return w.toByteArray();
    }

    /** Parses and validates an object; the message of a failure says what and where. */
    public static ObjectFile read(String name, byte[] bytes) throws FormatException {
        ByteReader r = new ByteReader(bytes);
        r.header(MAGIC, VERSION, "Exo object file");
        int nfiles = r.count("source file names", 2);
        List<String> files = new ArrayList<>(nfiles);
        for (int i = 0; i < nfiles; i++) files.add(r.str("a source file name"));
        List<ObjSection> sections = new ArrayList<>(4);
        List<int[]> pendingTargets = new ArrayList<>();
        for (SectionKind k : SectionKind.ALL) {
            int kind = r.u8("a section kind");
            if (kind != k.ordinal()) throw new FormatException("section " + sections.size() + " has kind " + kind + ", expected " + k.ordinal() + " (" + k.directive + ")");
            int align = r.u32(k.directive + " alignment");
            if (align <= 0 || align > MAX_ALIGN || Integer.bitCount(align) != 1) throw new FormatException(k.directive + " alignment " + Integer.toUnsignedString(align) + " is not a power of two up to " + MAX_ALIGN);
            int size = r.u32(k.directive + " size");
            if (Integer.toUnsignedLong(size) > MAX_SECTION_SIZE) throw new FormatException(k.directive + " size " + Integer.toUnsignedString(size) + " is too large");
            byte[] data = k.hasBytes() ? r.bytes(size, k.directive + " contents") : new byte[0];
            int nrel = r.count(k.directive + " relocations", 14);
            List<Relocation> rels = new ArrayList<>(nrel);
            for (int i = 0; i < nrel; i++) {
                int off = r.u32("a relocation offset");
                int rk = r.u8("a relocation kind");
                int tt = r.u8("a relocation target type");
                int target = r.u32("a relocation target");
                int addend = r.u32("a relocation addend");
                if (rk >= RelocKind.ALL.length) throw new FormatException("relocation " + i + " in " + k.directive + " has unknown kind " + rk);
                if (tt >= Relocation.Target.values().length) throw new FormatException("relocation " + i + " in " + k.directive + " has unknown target type " + tt);
                RelocKind kind2 = RelocKind.ALL[rk];
                if (!k.hasBytes()) throw new FormatException(".bss cannot hold relocations");
                if (off < 0 || (long) off + 4 > size || kind2.patchesInstruction() && (off & 3) != 0) {
                    throw new FormatException("relocation " + i + " in " + k.directive + " at offset 0x" + Integer.toHexString(off) + " is outside the section or misaligned");
                }
                Relocation.Target t = Relocation.Target.values()[tt];
                if (t == Relocation.Target.SECTION && (target < 0 || target >= SectionKind.ALL.length)) {
                    throw new FormatException("relocation " + i + " in " + k.directive + " names section " + target + ", which does not exist");
                }
                if (t == Relocation.Target.SYMBOL) pendingTargets.add(new int[] {target, i, k.ordinal()});
                rels.add(new Relocation(off, kind2, t, target, addend));
            }
            int nlines = r.count(k.directive + " line entries", 12);
            List<LineEntry> lines = new ArrayList<>(nlines);
            int prev = -1;
            for (int i = 0; i < nlines; i++) {
                int off = r.u32("a line entry offset");
                int file = r.u32("a line entry file");
                int line = r.u32("a line entry line");
                if (off < 0 || off > size || off < prev) throw new FormatException("line entry " + i + " in " + k.directive + " has offset 0x" + Integer.toHexString(off) + " out of order or outside the section");
                if (file < 0 || file >= nfiles) throw new FormatException("line entry " + i + " in " + k.directive + " names file " + file + " of " + nfiles);
                prev = off;
                lines.add(new LineEntry(off, file, line));
            }
            sections.add(new ObjSection(k, align, size, data, rels, lines));
        }
        int nsyms = r.count("symbols", 19);
        List<ObjSymbol> symbols = new ArrayList<>(nsyms);
        for (int i = 0; i < nsyms; i++) {
            String sname = r.str("a symbol name");
            int sec = r.u32("a symbol section");
            int value = r.u32("a symbol value");
            int flags = r.u8("symbol flags");
            int file = r.u32("a symbol's file");
            int line = r.u32("a symbol's line");
            if (sname.isEmpty()) throw new FormatException("symbol " + i + " has an empty name");
            if (sec != ObjSymbol.UNDEFINED && sec != ObjSymbol.ABSOLUTE && (sec < 0 || sec >= SectionKind.ALL.length)) {
                throw new FormatException("symbol '" + sname + "' names section " + sec + ", which does not exist");
            }
            if (sec >= 0 && Integer.compareUnsigned(value, sections.get(sec).size()) > 0) {
                throw new FormatException("symbol '" + sname + "' at 0x" + Integer.toHexString(value) + " lies outside " + SectionKind.ALL[sec].directive);
            }
            if ((flags & ~1) != 0) throw new FormatException("symbol '" + sname + "' has unknown flags 0x" + Integer.toHexString(flags));
            if (sec == ObjSymbol.UNDEFINED && (flags & 1) == 0) throw new FormatException("undefined symbol '" + sname + "' is not global");
            if (file < 0 || file >= nfiles) throw new FormatException("symbol '" + sname + "' names file " + file + " of " + nfiles);
            symbols.add(new ObjSymbol(sname, sec, value, (flags & 1) != 0, file, line));
        }
        r.end("symbol table");
        for (int[] p : pendingTargets) {
            if (p[0] < 0 || p[0] >= nsyms) {
                throw new FormatException("relocation " + p[1] + " in " + SectionKind.ALL[p[2]].directive + " names symbol " + p[0] + " of " + nsyms);
            }
        }
        return new ObjectFile(name, files, sections, symbols);
    }
}
