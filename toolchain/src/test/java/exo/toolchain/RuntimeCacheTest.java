package exo.toolchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import exo.toolchain.obj.ObjectFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeCacheTest {
    @TempDir
    Path dir;

    private static List<byte[]> bytes(GuestRuntime.Library lib) {
        return Stream.concat(lib.objects().stream(), lib.members().stream()).map(ObjectFile::write).toList();
    }

    private static void assertSame(GuestRuntime.Library expected, GuestRuntime.Library actual) {
        assertEquals(expected.objects().size(), actual.objects().size());
        assertEquals(expected.members().size(), actual.members().size());
        List<byte[]> e = bytes(expected), a = bytes(actual);
        for (int i = 0; i < e.size(); i++) assertArrayEquals(e.get(i), a.get(i), "object " + i);
    }

    @Test
    void aStoredRuntimeLoadsBackObjectForObject() throws Exception {
        GuestRuntime.Library lib = GuestRuntime.load(GuestRuntime.DEFAULT_LIST);
        RuntimeCache cache = new RuntimeCache(dir, "k1");
        assertNull(cache.load(GuestRuntime.DEFAULT_LIST), "empty cache");
        cache.store(GuestRuntime.DEFAULT_LIST, lib);
        GuestRuntime.Library back = cache.load(GuestRuntime.DEFAULT_LIST);
        assertNotNull(back);
        assertSame(lib, back);
        // Named as when assembled: a link error must not name the cache file.
        assertEquals(Stream.concat(lib.objects().stream(), lib.members().stream()).map(o -> o.name).toList(),
                Stream.concat(back.objects().stream(), back.members().stream()).map(o -> o.name).toList());
        assertNull(new RuntimeCache(dir, "k2").load(GuestRuntime.DEFAULT_LIST), "another build's key misses");
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")), "no temporary file left behind");
        }
    }

    @Test
    void aCorruptOrTruncatedEntryIsDroppedAndMisses() throws Exception {
        GuestRuntime.Library lib = GuestRuntime.load(GuestRuntime.DEFAULT_LIST);
        RuntimeCache cache = new RuntimeCache(dir, "k");
        cache.store(GuestRuntime.DEFAULT_LIST, lib);
        Path entry;
        try (Stream<Path> files = Files.list(dir)) {
            entry = files.findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(entry);
        for (int cut : new int[] {0, 5, 12, good.length / 2, good.length - 1}) {
            Files.write(entry, java.util.Arrays.copyOf(good, cut));
            assertNull(cache.load(GuestRuntime.DEFAULT_LIST), "truncated to " + cut);
            assertFalse(Files.exists(entry), "the bad entry is deleted");
        }
        byte[] flipped = good.clone();
        flipped[9] ^= 0x7F;
        Files.write(entry, flipped);
        assertNull(cache.load(GuestRuntime.DEFAULT_LIST), "a length that points past the end");
    }

    @Test
    void anUnwritableDirectoryIsIgnored() throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        RuntimeCache cache = new RuntimeCache(file, "k");
        cache.store(GuestRuntime.DEFAULT_LIST, GuestRuntime.load(GuestRuntime.DEFAULT_LIST));
        assertNull(cache.load(GuestRuntime.DEFAULT_LIST));
    }
}
