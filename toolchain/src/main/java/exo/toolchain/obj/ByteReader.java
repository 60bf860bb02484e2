package exo.toolchain.obj;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reader: every read past the end, every count larger than the
 * bytes left could hold, and every malformed string is a {@link FormatException} naming what
 * was being read and at which byte, never an index exception.
 */
public final class ByteReader {
    private final byte[] b;
    private int pos;

    public ByteReader(byte[] bytes) {
        this.b = bytes;
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return b.length - pos;
    }

    private void need(int n, String what) throws FormatException {
        if (n < 0 || b.length - pos < n) throw new FormatException("truncated at byte " + pos + " while reading " + what);
    }

    public int u8(String what) throws FormatException {
        need(1, what);
        return b[pos++] & 0xFF;
    }

    public int u16(String what) throws FormatException {
        need(2, what);
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    public int u32(String what) throws FormatException {
        need(4, what);
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    /**
     * A count of records each at least minRecordBytes long: rejects counts the rest of the file
     * cannot hold, so a corrupt count never makes us allocate gigabytes.
     */
    public int count(String what, int minRecordBytes) throws FormatException {
        int at = pos;
        int n = u32("the number of " + what);
        if (n < 0 || (long) n * minRecordBytes > remaining()) {
            throw new FormatException("corrupt count of " + what + " at byte " + at + ": " + Integer.toUnsignedString(n)
                    + " does not fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    public byte[] bytes(int n, String what) throws FormatException {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(b, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String str(String what) throws FormatException {
        int at = pos;
        int n = u16("the length of " + what);
        need(n, what);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw new FormatException("invalid UTF-8 in " + what + " at byte " + at);
        }
    }

    /** Fails unless the whole input has been consumed. */
    public void end(String what) throws FormatException {
        if (pos != b.length) throw new FormatException((b.length - pos) + " unexpected bytes after the " + what + " at byte " + pos);
    }

    /** Fails unless the input starts with this magic and a supported version; returns the version. */
    public int header(String magic, int version, String kind) throws FormatException {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (b.length < m.length) throw new FormatException("too short to be an " + kind + " (" + b.length + " bytes)");
        for (int i = 0; i < m.length; i++) {
            if (b[i] != m[i]) throw new FormatException("not an " + kind + ": bad magic number (expected \"" + magic + "\")");
        }
        pos = m.length;
        int v = u16("the format version");
        u16("the header flags");
        if (v != version) throw new FormatException("unsupported " + kind + " format version " + v + " (this Exo reads version " + version + ")");
        return v;
    }
}
