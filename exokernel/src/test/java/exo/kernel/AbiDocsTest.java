package exo.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.kernel.abi.AbiDocs;
import exo.kernel.abi.KernelCall;
import exo.kernel.error.KernelError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ABI document and the guest include file are exactly what the call table generates. */
class AbiDocsTest {
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("docs/kernel-abi.md"))) p = p.getParent();
        assertNotNull(p, "project root with docs/kernel-abi.md not found");
        return p;
    }

    @Test
    void includeFileMatchesTheTable() throws IOException {
        String onDisk = Files.readString(root().resolve(AbiDocs.INCLUDE), StandardCharsets.UTF_8);
        assertEquals(AbiDocs.includeFile(), onDisk, "regenerate with exo.kernel.abi.AbiDocs");
    }

    @Test
    void causeNamesMatchTheCauses() throws IOException {
        String onDisk = Files.readString(root().resolve(AbiDocs.CAUSES), StandardCharsets.UTF_8);
        assertEquals(AbiDocs.causeNamesFile(), onDisk, "regenerate with exo.kernel.abi.AbiDocs");
    }

    @Test
    void documentMatchesTheTable() throws IOException {
        String onDisk = Files.readString(root().resolve(AbiDocs.DOC), StandardCharsets.UTF_8);
        assertEquals(AbiDocs.updateDoc(onDisk), onDisk, "regenerate with exo.kernel.abi.AbiDocs");
    }

    @Test
    void everyCallHasAStubAndADocRowAndUniqueNumbers() throws IOException {
        String inc = Files.readString(root().resolve(AbiDocs.INCLUDE), StandardCharsets.UTF_8);
        String doc = Files.readString(root().resolve(AbiDocs.DOC), StandardCharsets.UTF_8);
        Set<Integer> numbers = new HashSet<>();
        for (KernelCall c : KernelCall.values()) {
            assertTrue(numbers.add(c.number));
            assertTrue(inc.contains(".macro sys_" + c.callName + "\n    syscall " + c.symbol() + "\n"), c.callName);
            assertTrue(inc.contains(".equ " + c.symbol() + ", " + c.number + "\n"), c.callName);
            assertTrue(doc.contains("| " + c.number + " | `" + c.callName + "` |"), c.callName);
        }
        for (KernelError e : KernelError.values()) assertTrue(inc.contains(".equ " + e.symbol + ", " + e.code + "\n"));
    }
}
