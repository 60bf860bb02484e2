package exo.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;

/**
 * The packages of this module use each other in one direction only (the graph in
 * {@code exo.kernel}'s package-info). Uses are read from the compiled classes' constant pools,
 * so every use at run time counts — a field or method of another package's class, a type in a
 * descriptor or generic signature — and from the sources' code outside comments, which adds
 * what the compiler inlines (a constant of another package). Javadoc links do not count.
 */
class PackageGraphTest {
    /** The packages whose graph must have no cycle. */
    private static boolean inScope(String pkg) {
        return pkg.equals("exo.kernel") || pkg.startsWith("exo.kernel.") || pkg.equals("exo.baseline") || pkg.equals("exo.os")
                || pkg.equals("exo.system");
    }

    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L(exo/[\\w/$]+);");
    private static final int CONSTANT_UTF8 = 1, CONSTANT_CLASS = 7;

    @Test
    void theKernelPackagesFormNoCycle() throws IOException, URISyntaxException {
        Map<String, Map<String, Set<String>>> graph = packageGraph();
        assertTrue(graph.containsKey("exo.kernel") && graph.containsKey("exo.baseline") && graph.containsKey("exo.os"), graph.keySet().toString());
        List<Set<String>> cycles = cycles(edges(graph));
        StringBuilder why = new StringBuilder();
        for (Set<String> cycle : cycles) {
            why.append("packages in a cycle: ").append(cycle).append('\n');
            for (String from : cycle) {
                for (String to : cycle) {
                    Set<String> by = graph.get(from).get(to);
                    if (by != null) why.append("  ").append(from).append(" -> ").append(to).append(" (").append(String.join(", ", by)).append(")\n");
                }
            }
        }
        assertEquals(List.of(), cycles, why.toString());
    }

    @Test
    void theSharedPackageAndTheBaselineDoNotUseTheExokernel() throws IOException, URISyntaxException {
        Map<String, Map<String, Set<String>>> graph = packageGraph();
        for (String pkg : List.of("exo.os", "exo.baseline")) {
            for (Map.Entry<String, Set<String>> use : graph.get(pkg).entrySet()) {
                assertTrue(!use.getKey().startsWith("exo.kernel"), pkg + " uses " + use.getKey() + " in " + use.getValue());
            }
        }
    }

    @Test
    void commentsDoNotCountButCodeDoes() {
        String src = "/** {@link exo.kernel.Kernel} */ class A { // exo.kernel.env.Environment\n String s = \"/*\"; exo.os.Stats t; }";
        Matcher m = QUALIFIED_NAME.matcher(withoutComments(src));
        assertTrue(m.find());
        assertEquals("exo.os.Stats", m.group(1));
        assertTrue(!m.find());
    }

    /** The cycle finder finds a cycle when there is one, so the test above can fail. */
    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> g = new TreeMap<>();
        g.put("a", new TreeSet<>(List.of("b")));
        g.put("b", new TreeSet<>(List.of("c")));
        g.put("c", new TreeSet<>(List.of("a", "d")));
        g.put("d", new TreeSet<>());
        assertEquals(List.of(Set.of("a", "b", "c")), cycles(g));
        g.get("c").remove("a");
        assertEquals(List.of(), cycles(g));
    }

    /** package -> package it uses -> the classes that use it (as "Class -> Used"). */
    private static Map<String, Map<String, Set<String>>> packageGraph() throws IOException, URISyntaxException {
        Path classes = Path.of(Kernel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Map<String, Set<String>>> graph = new TreeMap<>();
        for (Path f : files(classes, ".class")) {
            ClassReader r = new ClassReader(Files.readAllBytes(f));
            for (String used : referencedClasses(r)) addUse(graph, r.getClassName(), used);
        }
        Path sources = classes.resolve("../../src/main/java").normalize();
        assertTrue(Files.isDirectory(sources), sources.toString());
        for (Path f : files(sources, ".java")) {
            String code = withoutComments(Files.readString(f));
            Matcher pkg = PACKAGE.matcher(code);
            if (!pkg.find()) continue;
            String self = pkg.group(1).replace('.', '/') + "/" + f.getFileName().toString().replace(".java", "");
            Matcher m = QUALIFIED_NAME.matcher(code);
            while (m.find()) addUse(graph, self, m.group(1).replace('.', '/'));
        }
        return graph;
    }

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    /** A class named with its package in source (imports, static imports, qualified uses): the package is lower case, the class is not. */
    private static final Pattern QUALIFIED_NAME = Pattern.compile("\\b(exo(?:\\.[a-z]\\w*)+\\.[A-Z]\\w*)");

    private static void addUse(Map<String, Map<String, Set<String>>> graph, String user, String used) {
        String from = packageOf(user), to = packageOf(used);
        if (!inScope(from)) return;
        Map<String, Set<String>> uses = graph.computeIfAbsent(from, k -> new TreeMap<>());
        if (!to.equals(from) && inScope(to)) uses.computeIfAbsent(to, k -> new TreeSet<>()).add(simpleName(user) + " -> " + simpleName(used));
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    /** Java source with comments blanked out; string and character literals are kept as they are. */
    static String withoutComments(String src) {
        StringBuilder b = new StringBuilder(src.length());
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) j += src.charAt(j) == '\\' ? 2 : 1;
                b.append(src, i, Math.min(j + 1, n));
                i = j + 1;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** Every class the constant pool names: class entries, and types inside descriptors and signatures. */
    private static Set<String> referencedClasses(ClassReader r) {
        Set<String> names = new TreeSet<>();
        char[] buffer = new char[r.getMaxStringLength()];
        for (int i = 1; i < r.getItemCount(); i++) {
            int offset = r.getItem(i);
            if (offset == 0) continue;                     // the second slot of a long or double
            int tag = r.readByte(offset - 1);
            if (tag == CONSTANT_CLASS) {
                String name = r.readUTF8(offset, buffer);
                if (!name.startsWith("[")) names.add(name);
                else addDescriptorTypes(name, names);
            } else if (tag == CONSTANT_UTF8) {
                int length = r.readUnsignedShort(offset);
                byte[] b = new byte[length];
                for (int k = 0; k < length; k++) b[k] = (byte) r.readByte(offset + 2 + k);
                addDescriptorTypes(new String(b, StandardCharsets.UTF_8), names);
            }
        }
        return names;
    }

    private static void addDescriptorTypes(String s, Set<String> names) {
        Matcher m = DESCRIPTOR_TYPE.matcher(s);
        while (m.find()) names.add(m.group(1));
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    private static String simpleName(String internalName) {
        return internalName.substring(internalName.lastIndexOf('/') + 1);
    }

    private static Map<String, Set<String>> edges(Map<String, Map<String, Set<String>>> graph) {
        Map<String, Set<String>> g = new TreeMap<>();
        for (Map.Entry<String, Map<String, Set<String>>> e : graph.entrySet()) g.put(e.getKey(), new TreeSet<>(e.getValue().keySet()));
        return g;
    }

    /** The strongly connected components of more than one node (Tarjan): each is a cycle or several. */
    static List<Set<String>> cycles(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        int[] next = {0};
        for (String v : g.keySet()) if (!index.containsKey(v)) connect(v, g, index, low, stack, onStack, found, next);
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                                Set<String> onStack, List<Set<String>> found, int[] next) {
        index.put(v, next[0]);
        low.put(v, next[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, found, next);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) found.add(component);
        }
    }
}
