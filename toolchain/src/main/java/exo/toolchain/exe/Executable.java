package exo.toolchain.exe;

import exo.emulator.machine.Pages;
import exo.os.ProgramImage;
import exo.toolchain.obj.ByteReader;
import exo.toolchain.obj.ByteWriter;
import exo.toolchain.obj.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A linked program: page-aligned segments with permissions, the entry point, every symbol with
 * its address, and a line table (address to file:line) for the monitor and diagnostics. The
 * layout is in docs/formats.md. {@link #read} validates everything a loader must trust, so a
 * value of this class always describes a program that can be placed in memory.
 */
public record Executable(List<Segment> segments, int entry, List<Symbol> symbols, List<String> files, List<Line> lines) {
    public static final String MAGIC = "EXOX";
    public static final int VERSION = 1;
    /** Lowest address a segment may use: page 0 stays unmapped so null pointers fault. */
    public static final long USER_BASE = 0x1000;
    /** One past the highest address a segment may use: the top half belongs to the kernel. */
    public static final long USER_LIMIT = 0x80000000L;

    /** {@code data} fills the first bytes of [vaddr, vaddr + memSize); the rest is zero. */
    public record Segment(int vaddr, int memSize, int flags, byte[] data) {
        public long end() {
            return Integer.toUnsignedLong(vaddr) + Integer.toUnsignedLong(memSize);
        }

        public boolean contains(int address) {
            long a = Integer.toUnsignedLong(address);
            return a >= Integer.toUnsignedLong(vaddr) && a < end();
        }
    }

    /** A symbol: an address, or with {@code absolute} a constant (a global {@code .equ}). */
    public record Symbol(String name, int value, boolean global, boolean absolute) {
        public static final int GLOBAL = 1, ABSOLUTE = 2;

        int flags() {
            return (global ? GLOBAL : 0) | (absolute ? ABSOLUTE : 0);
        }
    }

    /** Code from {@code address} on came from files[file]:line. */
    public record Line(int address, int file, int line) {}

    public Executable {
        segments = List.copyOf(segments);
        symbols = List.copyOf(symbols);
        files = List.copyOf(files);
        lines = List.copyOf(lines);
    }

    public byte[] write() {
        ByteWriter w = new ByteWriter();
        w.bytes(MAGIC.getBytes(StandardCharsets.US_ASCII)).u16(VERSION).u16(0);
        w.u32(entry);
        w.u32(segments.size());
        for (Segment s : segments) w.u32(s.vaddr()).u32(s.memSize()).u8(s.flags()).u32(s.data().length).bytes(s.data());
        w.u32(symbols.size());
        for (Symbol s : symbols) w.str(s.name()).u32(s.value()).u8(s.flags());
        w.u32(files.size());
        for (String f : files) w.str(f);
        w.u32(lines.size());
        for (Line l : lines) w.u32(l.address()).u32(l.file()).u32(l.line());
        return w.toByteArray();
    }

    /** Parses and validates an executable; each kind of damage has its own message. */
    public static Executable read(byte[] bytes) throws FormatException {
        ByteReader r = new ByteReader(bytes);
        r.header(MAGIC, VERSION, "Exo executable");
        int entry = r.u32("the entry point");
        int nseg = r.count("segments", 13);
        if (nseg == 0) throw new FormatException("the executable has no segments");
        List<Segment> segs = new ArrayList<>(nseg);
        for (int i = 0; i < nseg; i++) {
            int vaddr = r.u32("a segment address");
            int mem = r.u32("a segment size");
            int flags = r.u8("segment flags");
            int fileSize = r.u32("a segment's file size");
            if (fileSize < 0) throw new FormatException("segment " + i + " file size " + Integer.toUnsignedString(fileSize) + " is too large");
            byte[] data = r.bytes(fileSize, "the contents of segment " + i);
            segs.add(checkSegment(i, new Segment(vaddr, mem, flags, data), segs));
        }
        int nsym = r.count("symbols", 7);
        List<Symbol> syms = new ArrayList<>(nsym);
        for (int i = 0; i < nsym; i++) {
            String name = r.str("a symbol name");
            int value = r.u32("a symbol value");
            int flags = r.u8("symbol flags");
            if (name.isEmpty()) throw new FormatException("symbol " + i + " has an empty name");
            if ((flags & ~(Symbol.GLOBAL | Symbol.ABSOLUTE)) != 0) throw new FormatException("symbol '" + name + "' has unknown flags 0x" + Integer.toHexString(flags));
            syms.add(new Symbol(name, value, (flags & Symbol.GLOBAL) != 0, (flags & Symbol.ABSOLUTE) != 0));
        }
        int nfiles = r.count("source file names", 2);
        List<String> files = new ArrayList<>(nfiles);
        for (int i = 0; i < nfiles; i++) files.add(r.str("a source file name"));
        int nlines = r.count("line entries", 12);
        List<Line> lines = new ArrayList<>(nlines);
        long prev = -1;
        for (int i = 0; i < nlines; i++) {
            int addr = r.u32("a line entry address");
            int file = r.u32("a line entry file");
            int line = r.u32("a line entry line");
            if (Integer.toUnsignedLong(addr) < prev) throw new FormatException("line entry " + i + " at 0x" + Integer.toHexString(addr) + " is out of address order");
            if (file < 0 || file >= nfiles) throw new FormatException("line entry " + i + " names file " + file + " of " + nfiles);
            if (line <= 0) throw new FormatException("line entry " + i + " has line number " + Integer.toUnsignedString(line));
            prev = Integer.toUnsignedLong(addr);
            lines.add(new Line(addr, file, line));
        }
        r.end("line table");
        Segment at = null;
        for (Segment s : segs) if (s.contains(entry)) at = s;
        if (at == null) throw new FormatException("entry point 0x" + Integer.toHexString(entry) + " is not inside any segment");
        if ((at.flags() & ProgramImage.EXECUTE) == 0) throw new FormatException("entry point 0x" + Integer.toHexString(entry) + " is in a segment that is not executable");
        if ((entry & 3) != 0) throw new FormatException("entry point 0x" + Integer.toHexString(entry) + " is not a multiple of 4");
        return new Executable(segs, entry, syms, files, lines);
    }

    private static Segment checkSegment(int i, Segment s, List<Segment> before) throws FormatException {
        String name = "segment " + i + " at 0x" + Integer.toHexString(s.vaddr());
        if (!Pages.aligned(s.vaddr())) throw new FormatException(name + " is not page-aligned");
        if (s.flags() == 0 || (s.flags() & ~(ProgramImage.READ | ProgramImage.WRITE | ProgramImage.EXECUTE)) != 0) {
            throw new FormatException(name + " has invalid permissions 0x" + Integer.toHexString(s.flags()));
        }
        if (Integer.toUnsignedLong(s.memSize()) < s.data().length) {
            throw new FormatException(name + " holds " + s.data().length + " bytes of data but only " + Integer.toUnsignedString(s.memSize()) + " bytes of memory");
        }
        if (s.memSize() == 0) throw new FormatException(name + " is empty");
        if (Integer.toUnsignedLong(s.vaddr()) < USER_BASE || s.end() > USER_LIMIT) {
            throw new FormatException(name + " (" + Integer.toUnsignedString(s.memSize()) + " bytes) lies outside the user address range 0x"
                    + Long.toHexString(USER_BASE) + "..0x" + Long.toHexString(USER_LIMIT - 1));
        }
        for (int j = 0; j < before.size(); j++) {
            Segment o = before.get(j);
            // Segments own whole pages: two overlap when each starts below the page after the other's last.
            if (Pages.number(s.vaddr()) < Pages.count(o.end()) && Pages.number(o.vaddr()) < Pages.count(s.end())) {
                throw new FormatException(name + " overlaps segment " + j + " at 0x" + Integer.toHexString(o.vaddr()));
            }
        }
        return s;
    }

    /** Whether bytes start with this format's magic number. */
    public static boolean is(byte[] bytes) {
        if (bytes.length < 4) return false;
        for (int i = 0; i < 4; i++) if (bytes[i] != MAGIC.charAt(i)) return false;
        return true;
    }
}
