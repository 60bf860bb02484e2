package exo.toolchain.asm;

import java.util.List;

/**
 * A macro: parameter names with their defaults (null if required) and the body lines as
 * written, each with its location for errors. Expansion substitutes {@code \name} with the
 * argument and {@code \@} with a number unique to the expansion.
 */
record Macro(String name, List<String> params, List<String> defaults, List<Loc> body, Loc defined) {

    /** Body line with arguments substituted; unknown {@code \word}s are left as they are. */
    static String substitute(String line, Macro m, String[] args, int unique) {
        if (line.indexOf('\\') < 0) return line;
        StringBuilder sb = new StringBuilder(line.length() + 16);
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '\\' || i + 1 >= line.length()) {
                sb.append(c);
                i++;
                continue;
            }
            if (line.charAt(i + 1) == '@') {
                sb.append(unique);
                i += 2;
                continue;
            }
            int j = i + 1;
            while (j < line.length() && Lexer.isIdentPart(line.charAt(j))) j++;
            int p = m.params.indexOf(line.substring(i + 1, j));
            if (p >= 0) {
                sb.append(args[p]);
                i = j;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }
}
