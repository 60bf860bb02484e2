package exo.toolchain.asm;

import java.io.ByteArrayOutputStream;

/**
 * Splits one source line into tokens, kept in parallel arrays that are reused from line to
 * line so that the common case (an instruction with three operands) allocates only the
 * identifier strings. Comments start with {@code #} or {@code ;} and run to the end of the line.
 * The first lexical error stops the line; {@link #error} says what and {@link #errorCol} where.
 */
final class Lexer {
    static final int EOL = 0, IDENT = 1, NUM = 2, NUMREF = 3, STRING = 4, OP = 5;
    /** Two-character operators, stored in {@link #num} of an OP token; single characters are their own code. */
    static final int SHL = 256, SHR = 257, LE = 258, GE = 259, EQ = 260, NE = 261, LAND = 262, LOR = 263;

    int n;
    int[] kind = new int[16];
    /** 0-based column of each token's first character, and one past its last. */
    int[] start = new int[16];
    int[] end = new int[16];
    long[] num = new long[16];
    /** The identifier text, the decoded bytes of a string, or 'b'/'f' of a numeric label reference. */
    Object[] val = new Object[16];
    String line;
    String error;
    int errorCol;

    /** Tokenizes line; on error, tokens up to the error are kept and {@link #error} is set. */
    void lex(String s) {
        line = s;
        n = 0;
        error = null;
        int len = s.length();
        int i = 0;
        while (i < len) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                i++;
                continue;
            }
            if (c == '#' || c == ';') break;
            int begin = i;
            if (isIdentStart(c)) {
                i++;
                while (i < len && isIdentPart(s.charAt(i))) i++;
                add(IDENT, begin, i, 0, intern(s, begin, i));
            } else if (c >= '0' && c <= '9') {
                i = number(s, i);
                if (i < 0) return;
            } else if (c == '"') {
                i = string(s, i);
                if (i < 0) return;
            } else if (c == '\'') {
                i = character(s, i);
                if (i < 0) return;
            } else {
                int op = c;
                char d = i + 1 < len ? s.charAt(i + 1) : 0;
                if (c == '<' && d == '<') op = SHL;
                else if (c == '>' && d == '>') op = SHR;
                else if (c == '<' && d == '=') op = LE;
                else if (c == '>' && d == '=') op = GE;
                else if (c == '=' && d == '=') op = EQ;
                else if (c == '!' && d == '=') op = NE;
                else if (c == '&' && d == '&') op = LAND;
                else if (c == '|' && d == '|') op = LOR;
                else if ("+-*/%&|^~!<>=(),:".indexOf(c) < 0) {
                    fail(i, "unexpected character '" + printable(c) + "'");
                    return;
                }
                i += op >= 256 ? 2 : 1;
                add(OP, begin, i, op, null);
            }
        }
        add(EOL, len, len, 0, null);
    }

    /**
     * Identifiers seen recently, by hash: most lines repeat a few mnemonics, registers and
     * labels, so reusing one String (with its cached hash) saves an allocation and a rehash
     * for every symbol-table and mnemonic lookup.
     */
    private final String[] names = new String[4096];
    private final int[] hashes = new int[4096];

    private String intern(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
        int slot = (h ^ (h >>> 12)) & (names.length - 1);
        String c = names[slot];
        int len = to - from;
        if (c != null && hashes[slot] == h && c.length() == len) {
            int k = 0;
            while (k < len && c.charAt(k) == s.charAt(from + k)) k++;
            if (k == len) return c;
        }
        c = s.substring(from, to);
        names[slot] = c;
        hashes[slot] = h;
        return c;
    }

    static boolean isIdentStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '$';
    }

    static boolean isIdentPart(char c) {
        return isIdentStart(c) || c >= '0' && c <= '9';
    }

    private int number(String s, int i) {
        int len = s.length();
        int begin = i;
        int radix = 10;
        if (s.charAt(i) == '0' && i + 1 < len) {
            char p = s.charAt(i + 1);
            if (p == 'x' || p == 'X') radix = 16;
            else if ((p == 'b' || p == 'B') && i + 2 < len && (s.charAt(i + 2) == '0' || s.charAt(i + 2) == '1')) radix = 2;
            else if (p == 'o' || p == 'O') radix = 8;
            if (radix != 10) i += 2;
        }
        int digits = i;
        long v = 0;
        boolean overflow = false;
        while (i < len) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) break;
            if (v > (Long.MAX_VALUE - d) / radix) overflow = true;
            v = v * radix + d;
            i++;
        }
        if (radix == 10 && i < len && (s.charAt(i) == 'b' || s.charAt(i) == 'f') && (i + 1 >= len || !isIdentPart(s.charAt(i + 1)))) {
            add(NUMREF, begin, i + 1, v, s.charAt(i) == 'b' ? "b" : "f");
            return i + 1;
        }
        if (i == digits) {
            fail(begin, "malformed number '" + word(s, begin) + "'");
            return -1;
        }
        if (i < len && isIdentPart(s.charAt(i))) {
            fail(begin, "malformed number '" + word(s, begin) + "'");
            return -1;
        }
        if (overflow) {
            fail(begin, "number " + s.substring(begin, i) + " is too large");
            return -1;
        }
        add(NUM, begin, i, v, null);
        return i;
    }

    private int string(String s, int i) {
        int begin = i++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int len = s.length();
        while (true) {
            if (i >= len) {
                fail(begin, "unterminated string");
                return -1;
            }
            char c = s.charAt(i);
            if (c == '"') break;
            if (c == '\\') {
                int e = escape(s, i, out);
                if (e < 0) return -1;
                i = e;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp);
            }
        }
        add(STRING, begin, i + 1, 0, out.toByteArray());
        return i + 1;
    }

    private int character(String s, int i) {
        int begin = i++;
        int len = s.length();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (i < len && s.charAt(i) == '\\') {
            i = escape(s, i, out);
            if (i < 0) return -1;
        } else if (i < len && s.charAt(i) != '\'' && s.charAt(i) < 128) {
            out.write(s.charAt(i++));
        }
        if (i >= len || s.charAt(i) != '\'' || out.size() != 1) {
            fail(begin, "malformed character constant (one ASCII character or escape between single quotes)");
            return -1;
        }
        add(NUM, begin, i + 1, out.toByteArray()[0] & 0xFF, null);
        return i + 1;
    }

    /** Decodes the escape at s[i] == '\\' into out; returns the index after it, or -1 on error. */
    private int escape(String s, int i, ByteArrayOutputStream out) {
        if (i + 1 >= s.length()) {
            fail(i, "backslash at the end of the line");
            return -1;
        }
        char e = s.charAt(i + 1);
        switch (e) {
            case 'n': out.write('\n'); return i + 2;
            case 't': out.write('\t'); return i + 2;
            case 'r': out.write('\r'); return i + 2;
            case '0': out.write(0); return i + 2;
            case 'a': out.write(7); return i + 2;
            case 'b': out.write(8); return i + 2;
            case 'f': out.write(12); return i + 2;
            case 'v': out.write(11); return i + 2;
            case 'e': out.write(27); return i + 2;
            case '\\': case '\'': case '"': out.write(e); return i + 2;
            case 'x': {
                int h1 = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                int h2 = i + 3 < s.length() ? Character.digit(s.charAt(i + 3), 16) : -1;
                if (h1 < 0 || h2 < 0) {
                    fail(i, "\\x needs two hex digits");
                    return -1;
                }
                out.write(h1 * 16 + h2);
                return i + 4;
            }
            default:
                fail(i, "unknown escape '\\" + printable(e) + "' (known: \\n \\t \\r \\0 \\a \\b \\f \\v \\e \\\\ \\' \\\" \\xHH)");
                return -1;
        }
    }

    private static String word(String s, int i) {
        int j = i;
        while (j < s.length() && isIdentPart(s.charAt(j))) j++;
        return s.substring(i, Math.max(j, i + 1));
    }

    private static String printable(char c) {
        return c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    private void fail(int col, String message) {
        error = message;
        errorCol = col;
        add(EOL, line.length(), line.length(), 0, null);
    }

    private void add(int k, int s, int e, long v, Object o) {
        // Room for this token and a second EOL after the first, so that looking one token past
        // the end of a line always sees EOL, never a stale token or the end of the array.
        if (n + 2 >= kind.length) {
            int m = kind.length * 2;
            kind = java.util.Arrays.copyOf(kind, m);
            start = java.util.Arrays.copyOf(start, m);
            end = java.util.Arrays.copyOf(end, m);
            num = java.util.Arrays.copyOf(num, m);
            val = java.util.Arrays.copyOf(val, m);
        }
        kind[n] = k;
        start[n] = s;
        end[n] = e;
        num[n] = v;
        val[n] = o;
        n++;
        if (k == EOL) {
            kind[n] = EOL;
            start[n] = s;
            end[n] = e;
            val[n] = null;
        }
    }

    boolean isOp(int t, int op) {
        return kind[t] == OP && num[t] == op;
    }

    String ident(int t) {
        return kind[t] == IDENT ? (String) val[t] : null;
    }

    /** Source text of tokens [from, to). */
    String text(int from, int to) {
        if (from >= to) return "";
        return line.substring(start[from], end[to - 1]);
    }
}
