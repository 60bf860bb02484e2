package exo.monitor;

import exo.os.ProgramImage;
import exo.toolchain.SourceFile;
import exo.toolchain.exe.ExeSymbolizer;
import exo.toolchain.exe.Executable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Debug information read from an executable's symbol and line tables. Source text is read from
 * the file the line table names, or from the classpath for the runtime's own sources.
 */
public final class ExeDebugInfo implements DebugInfo {
    private final Executable exe;
    private final ExeSymbolizer symbolizer;
    private final Map<String, List<String>> sources = new HashMap<>();
    private int[] handlerReturns;

    public ExeDebugInfo(Executable exe) {
        this.exe = exe;
        this.symbolizer = new ExeSymbolizer(exe);
    }

    @Override
    public Integer addressOf(String symbol) {
        Integer local = null;
        for (Executable.Symbol s : exe.symbols()) {
            if (!s.name().equals(symbol)) continue;
            if (s.global()) return s.value();
            if (local == null) local = s.value();
        }
        return local;
    }

    @Override
    public String symbolAt(int address) {
        Executable.Symbol s = symbolizer.symbolAt(address);
        return s == null ? null : s.name();
    }

    @Override
    public int symbolAddress(int address) {
        Executable.Symbol s = symbolizer.symbolAt(address);
        return s == null ? 0 : s.value();
    }

    @Override
    public Location lineOf(int address) {
        String l = symbolizer.lineAt(address);
        if (l == null) return null;
        int colon = l.lastIndexOf(':');
        return new Location(l.substring(0, colon), Integer.parseInt(l.substring(colon + 1)));
    }

    @Override
    public Integer addressOfLine(String file, int line) {
        Integer best = null;
        for (Executable.Line l : exe.lines()) {
            if (l.line() != line || !sameFile(exe.files().get(l.file()), file)) continue;
            if (best == null || Integer.compareUnsigned(l.address(), best) < 0) best = l.address();
        }
        return best;
    }

    @Override
    public Integer nextLineInTable(String file, int line) {
        Integer best = null;
        for (Executable.Line l : exe.lines()) {
            if (l.line() <= line || !sameFile(exe.files().get(l.file()), file)) continue;
            if (best == null || l.line() < best) best = l.line();
        }
        return best;
    }

    @Override
    public List<Location> codeLines() {
        java.util.Set<Location> set = new java.util.LinkedHashSet<>();
        for (Executable.Line l : exe.lines()) {
            if (inCode(l.address())) set.add(new Location(exe.files().get(l.file()), l.line()));
        }
        return new ArrayList<>(set);
    }

    @Override
    public boolean inCode(int address) {
        for (Executable.Segment seg : exe.segments()) {
            if ((seg.flags() & ProgramImage.EXECUTE) != 0 && seg.contains(address)) return true;
        }
        return false;
    }

    @Override
    public int[] handlerReturns() {
        if (handlerReturns == null) {
            List<Integer> l = new ArrayList<>();
            for (Executable.Segment seg : exe.segments()) {
                if ((seg.flags() & ProgramImage.EXECUTE) == 0) continue;
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(seg.data()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int off = 0; off + 4 <= seg.data().length; off += 4) {
                    if (Debugger.isHandlerReturn(b.getInt(off))) l.add(seg.vaddr() + off);
                }
            }
            handlerReturns = l.stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        return handlerReturns.clone();
    }

    /** A file named in the line table matches the full name given, or its base name. */
    private static boolean sameFile(String recorded, String given) {
        if (recorded.equals(given)) return true;
        String base = recorded.substring(recorded.lastIndexOf('/') + 1);
        return base.equals(given);
    }

    @Override
    public List<String> source(String file) {
        return sources.computeIfAbsent(file, ExeDebugInfo::readSource);
    }

    private static List<String> readSource(String file) {
        try {
            Path p = Path.of(file);
            if (Files.isRegularFile(p)) return Files.readAllLines(p);
            SourceFile s = SourceFile.resource(file);
            List<String> l = new ArrayList<>();
            for (int i = 1; i <= s.lineCount(); i++) l.add(s.line(i));
            return l;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public List<String> symbols() {
        List<String> l = new ArrayList<>();
        for (Executable.Symbol s : exe.symbols()) l.add(s.name());
        return l;
    }
}
