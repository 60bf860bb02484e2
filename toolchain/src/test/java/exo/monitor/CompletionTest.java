package exo.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tab completion offers what fits where the cursor is (issue 14 deliverable 6). */
class CompletionTest {
    private final Monitor mon = new Monitor(new Debugger(FakeTarget::new, InputStream.nullInputStream(), new ByteArrayOutputStream()),
            new PrintWriter(new StringWriter()));

    private List<String> complete(String... before) {
        List<String> words = List.of(before);
        return Interactive.candidates(mon, words.subList(0, words.size() - 1), words.get(words.size() - 1));
    }

    @Test
    void theFirstWordIsACommand() {
        List<String> c = complete("");
        assertTrue(c.contains("continue") && c.contains("bt") && c.contains("frame"), c.toString());
        assertFalse(c.contains("main"), c.toString());
    }

    @Test
    void afterInfoHelpCatchAndKernelOnlyWhatTheyTake() {
        assertEquals(Interactive.INFO, complete("info", ""));
        assertEquals(Interactive.INFO, complete("i", "th"));
        assertTrue(complete("info", "registers", "").contains("badvaddr"));
        List<String> help = complete("help", "");
        assertTrue(help.contains("watch") && !help.contains("main") && !help.contains("tlb-load"), help.toString());
        List<String> causes = complete("catch", "");
        assertTrue(causes.contains("tlb-load") && causes.contains("all") && !causes.contains("main"), causes.toString());
        assertEquals(List.of("envs"), complete("kernel", ""));
    }

    @Test
    void breakCompletesSymbolsAndLinesWithCode() {
        List<String> b = complete("b", "");
        assertTrue(b.contains("main") && b.contains("f") && !b.contains("a0"), b.toString());
        List<String> lines = complete("break", "fake.s:");
        assertEquals(8, lines.size(), lines.toString());
        assertTrue(lines.contains("fake.s:7"), lines.toString());
        assertTrue(complete("tbreak", "main", "").contains("if"));
    }

    @Test
    void aDollarCompletesRegistersAndNumbersGetNothing() {
        List<String> r = complete("p/x", "$");
        assertTrue(r.contains("$a0") && r.contains("$instret") && r.contains("$pc") && !r.contains("$main"), r.toString());
        assertTrue(complete("print", "").contains("main"));
        assertTrue(complete("frame", "").isEmpty());
        assertTrue(complete("delete", "").isEmpty());
    }
}
