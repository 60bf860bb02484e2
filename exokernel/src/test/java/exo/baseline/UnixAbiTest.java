package exo.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The baseline's include file, stubs and documented call table match the Java tables. */
class UnixAbiTest {
    private static final Path ROOT = Path.of("..");
    private static final String HOW = "; regenerate with: java -cp emulator/target/classes:exokernel/target/classes exo.baseline.UnixAbi .";

    @Test
    void includeFileMatches() throws IOException {
        assertEquals(UnixAbi.include(), Files.readString(ROOT.resolve(UnixAbi.INCLUDE)), UnixAbi.INCLUDE + " is stale" + HOW);
    }

    @Test
    void stubsMatch() throws IOException {
        assertEquals(UnixAbi.stubs(), Files.readString(ROOT.resolve(UnixAbi.STUBS)), UnixAbi.STUBS + " is stale" + HOW);
    }

    @Test
    void documentedTableMatches() throws IOException {
        String doc = Files.readString(ROOT.resolve(UnixAbi.DOC));
        int b = doc.indexOf(UnixAbi.BEGIN), e = doc.indexOf(UnixAbi.END);
        assertEquals(UnixAbi.table(), doc.substring(b, e + UnixAbi.END.length()), UnixAbi.DOC + " is stale" + HOW);
    }

    @Test
    void callNumbersAreTheirPositions() {
        for (UnixCall c : UnixCall.values()) assertEquals(c, UnixCall.of(c.number()));
        assertEquals(null, UnixCall.of(UnixCall.values().length));
        assertEquals(null, UnixCall.of(-1));
    }
}
