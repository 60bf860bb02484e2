package exo.toolchain.asm;

import java.util.List;

/**
 * The listing {@code exo asm -l} prints: one line per 8 bytes emitted, with section, offset,
 * bytes (after the second pass, so relocated fields read 0) and, on a statement's first line,
 * file:line and its source text.
 */
final class Listing {
    /** n bytes at offset of section, emitted by the statement at loc. */
    record Entry(Section section, int offset, int size, Loc loc) {}

    private Listing() {}

    static String format(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        Loc last = null;
        for (Entry l : entries) {
            for (int i = 0; i < l.size(); i += 8) {
                boolean first = i == 0 && l.loc() != last;
                sb.append(String.format("%-8s %08x  ", i == 0 ? l.section().kind.directive : "", l.offset() + i));
                StringBuilder hex = new StringBuilder();
                for (int j = i; j < Math.min(l.size(), i + 8); j++) {
                    hex.append(String.format("%02x", l.section().bytes[l.offset() + j] & 0xFF)).append(j == i + 3 ? " " : "");
                }
                sb.append(String.format("%-18s", hex));
                if (first) sb.append(String.format("%s:%d  %s", l.loc().file.name, l.loc().line, l.loc().text.strip()));
                sb.append('\n');
            }
            last = l.loc();
        }
        return sb.toString();
    }
}
