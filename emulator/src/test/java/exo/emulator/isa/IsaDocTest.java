package exo.emulator.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.machine.Cause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/isa.md says what the ISA table says. */
class IsaDocTest {
    static final String REGENERATE = "docs/isa.md is out of date with the ISA table; regenerate it with\n"
            + "  mvn -q -o -pl emulator -am compile && java -cp emulator/target/classes exo.emulator.isa.IsaDoc docs/isa.md";

    /** Surefire runs in the module directory; the docs are beside it. */
    static Path doc() {
        Path p = Path.of("").toAbsolutePath().getParent().resolve("docs/isa.md");
        assertTrue(Files.exists(p), "no " + p);
        return p;
    }

    @Test
    void documentMatchesTheTable() throws IOException {
        String doc = Files.readString(doc(), StandardCharsets.UTF_8);
        assertEquals(IsaDoc.update(doc), doc, REGENERATE);
    }

    @Test
    void everyInstructionCauseAndRegisterAppears() throws IOException {
        String doc = Files.readString(doc(), StandardCharsets.UTF_8);
        for (Opcode op : Opcode.values()) assertTrue(doc.contains("| `" + op.mnemonic + "` |"), op.mnemonic);
        for (Cause c : Cause.values()) assertTrue(doc.contains("| " + c.code + " | " + c + " |"), c.toString());
        for (int r = 0; r < Register.COUNT; r++) assertTrue(doc.contains("| r" + r + " | `" + Register.name(r) + "` |"));
    }

    @Test
    void updateReplacesOnlyGeneratedBodies() {
        StringBuilder doc = new StringBuilder("prose\n");
        for (String name : IsaDoc.sections().keySet()) {
            doc.append("<!-- generated:").append(name).append(" -->\nstale\n<!-- end:").append(name).append(" -->\nmore prose\n");
        }
        String updated = IsaDoc.update(doc.toString());
        assertTrue(updated.startsWith("prose\n"));
        assertTrue(!updated.contains("stale"));
        assertEquals(updated, IsaDoc.update(updated), "idempotent");
        assertThrows(IllegalArgumentException.class, () -> IsaDoc.update("no markers"));
    }
}
