package exo.toolchain.obj;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A library: a sequence of named objects. The linker takes a member only if it defines a symbol
 * that is still undefined, so a program pays only for the parts of the runtime it uses.
 */
public final class Archive {
    public static final String MAGIC = "EXOA";
    public static final int VERSION = 1;

    private Archive() {}

    /** Members are stored whole, each as its own object-file bytes. */
    public static byte[] write(List<ObjectFile> members) {
        ByteWriter w = new ByteWriter();
        w.bytes(MAGIC.getBytes(StandardCharsets.US_ASCII)).u16(VERSION).u16(0);
        w.u32(members.size());
        for (ObjectFile m : members) {
            byte[] b = m.write();
            w.str(m.name).u32(b.length).bytes(b);
        }
        return w.toByteArray();
    }

    /** Reads every member, named {@code name(member)}; a bad member names itself in the error. */
    public static List<ObjectFile> read(String name, byte[] bytes) throws FormatException {
        return read(bytes, member -> name + "(" + member + ")");
    }

    /**
     * Reads every member under the name it was written with (the object's own name), for an
     * archive that is only a store of objects, such as the runtime cache: diagnostics then read
     * the same as for the objects before they were stored.
     */
    public static List<ObjectFile> readAsStored(byte[] bytes) throws FormatException {
        return read(bytes, member -> member);
    }

    private static List<ObjectFile> read(byte[] bytes, java.util.function.UnaryOperator<String> naming) throws FormatException {
        ByteReader r = new ByteReader(bytes);
        r.header(MAGIC, VERSION, "Exo archive");
        int n = r.count("archive members", 6);
        List<ObjectFile> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String member = r.str("a member name");
            int len = r.u32("a member length");
            byte[] b = r.bytes(len, "member '" + member + "'");
            try {
                out.add(ObjectFile.read(naming.apply(member), b));
            } catch (FormatException e) {
                throw new FormatException("member '" + member + "': " + e.getMessage());
            }
        }
        r.end("last member");
        return out;
    }

    /** Whether bytes start with this format's magic number. */
    public static boolean is(byte[] bytes) {
        return startsWith(bytes, MAGIC);
    }

    static boolean startsWith(byte[] bytes, String magic) {
        if (bytes.length < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (bytes[i] != magic.charAt(i)) return false;
        return true;
    }
}
