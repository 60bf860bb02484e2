package exo.toolchain;

import static org.junit.jupiter.api.Assertions.fail;

import exo.toolchain.asm.Assembler;
import exo.toolchain.exe.Executable;
import exo.toolchain.link.LinkOptions;
import exo.toolchain.link.Linker;
import exo.toolchain.obj.ObjSection;
import exo.toolchain.obj.ObjectFile;
import exo.toolchain.obj.SectionKind;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: assemble text, read back words and errors, link. */
public final class Asm {
    private Asm() {}

    public static ObjectFile object(String name, String source) {
        try {
            return Assembler.assemble(SourceFile.of(name, source));
        } catch (ToolchainException e) {
            throw new AssertionError("unexpected errors:\n" + e.format());
        }
    }

    public static ObjectFile object(String source) {
        return object("t.s", source);
    }

    /** The diagnostics assembling source produces, formatted; fails if it assembles. */
    public static String errors(String name, String source) {
        try {
            Assembler.assemble(SourceFile.of(name, source));
        } catch (ToolchainException e) {
            return e.format();
        }
        return fail("expected errors from:\n" + source);
    }

    public static String errors(String source) {
        return errors("t.s", source);
    }

    public static int[] words(ObjSection s) {
        int[] w = new int[s.size() / 4];
        for (int i = 0; i < w.length; i++) w[i] = word(s.data(), 4 * i);
        return w;
    }

    /** The .text words of source. */
    public static int[] text(String source) {
        return words(object(source).section(SectionKind.TEXT));
    }

    public static byte[] bytes(String source, SectionKind k) {
        ObjSection s = object(source).section(k);
        return s.data();
    }

    public static int word(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    public static Executable link(LinkOptions options, ObjectFile... objects) {
        try {
            return Linker.link(List.of(objects), List.of(), options);
        } catch (ToolchainException e) {
            throw new AssertionError("unexpected link errors:\n" + e.format());
        }
    }

    public static Executable link(ObjectFile... objects) {
        return link(LinkOptions.DEFAULT, objects);
    }

    public static String linkErrors(List<ObjectFile> objects, List<List<ObjectFile>> archives, LinkOptions options) {
        try {
            Linker.link(objects, archives, options);
        } catch (ToolchainException e) {
            return e.format();
        }
        return fail("expected link errors");
    }

    /** Words of the first (text) segment of an executable. */
    public static int[] textWords(Executable exe) {
        byte[] d = exe.segments().get(0).data();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i + 4 <= d.length; i += 4) out.add(word(d, i));
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
