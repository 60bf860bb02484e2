package exo.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/monitor.md lists exactly the commands the monitor has. */
class MonitorDocTest {
    private static final Path DOC = Path.of("..", "docs", "monitor.md");

    @Test
    void documentMatchesCommandTable() throws Exception {
        Debugger dbg = new Debugger(FakeTarget::new, InputStream.nullInputStream(), new ByteArrayOutputStream());
        String generated = MonitorDoc.commandTable(new Monitor(dbg, new PrintWriter(new StringWriter())));
        String doc = Files.readString(DOC);
        int b = doc.indexOf(MonitorDoc.BEGIN), e = doc.indexOf(MonitorDoc.END);
        assertTrue(b >= 0 && e > b, "docs/monitor.md lacks the generated-commands markers");
        String current = doc.substring(b, e + MonitorDoc.END.length());
        if (Boolean.getBoolean("exo.regenerateDocs") && !current.equals(generated)) {
            Files.writeString(DOC, doc.substring(0, b) + generated + doc.substring(e + MonitorDoc.END.length()));
            return;
        }
        assertEquals(generated, current, "docs/monitor.md is out of date with the command table; regenerate it with "
                + "mvn -q -pl toolchain -am test -Dtest=MonitorDocTest -Dsurefire.failIfNoSpecifiedTests=false -Dexo.regenerateDocs=true");
    }
}
