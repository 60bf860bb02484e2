package exo.toolchain;

import exo.toolchain.obj.Archive;
import exo.toolchain.obj.FormatException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * Assembled runtimes kept on disk, so that {@code exo run} does not assemble the library OS on
 * every start. An entry is keyed by the content of the jar Exo runs from: the jar holds both the
 * runtime's sources and the assembler that translates them, so the same key means the same
 * objects, and any change to either (a rebuild) means a new key. Outside a jar (tests running
 * from class directories) there is no cache.
 *
 * <p>The directory is {@code $EXO_CACHE_DIR}, else {@code $XDG_CACHE_HOME/exo}, else
 * {@code ~/.cache/exo}; {@code EXO_CACHE_DIR=off} turns the cache off. Entries are written to a
 * temporary file and renamed into place, so concurrent runs never read a half-written entry,
 * and the cache is only an optimisation: an entry that cannot be read or parsed is deleted and
 * the runtime is assembled again; a directory that cannot be written is ignored.
 */
final class RuntimeCache {
    private static final byte[] MAGIC = {'E', 'X', 'O', 'R', 'T', 'C', '0', '1'};

    private final Path dir;
    private final String key;

    RuntimeCache(Path dir, String key) {
        this.dir = dir;
        this.key = key;
    }

    /** The cache for the jar this class was loaded from, or null (not in a jar, or turned off). */
    static RuntimeCache forThisBuild() {
        Path dir = directory();
        if (dir == null) return null;
        try {
            var source = RuntimeCache.class.getProtectionDomain().getCodeSource();
            if (source == null) return null;
            Path jar = Path.of(source.getLocation().toURI());
            if (!Files.isRegularFile(jar)) return null;
            return new RuntimeCache(dir, contentKey(jar));
        } catch (IOException | URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Path directory() {
        String explicit = System.getenv("EXO_CACHE_DIR");
        if (explicit != null) return explicit.isBlank() || explicit.equals("off") ? null : Path.of(explicit);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "exo");
        String home = System.getProperty("user.home");
        return home == null ? null : Path.of(home, ".cache", "exo");
    }

    /**
     * The jar's content as a key: its length, CRC-32 and Adler-32 (both native in the JDK, so
     * this costs a few milliseconds in a JVM that has not warmed up, where a cryptographic hash
     * of the same bytes took most of the time the cache saves). The key only has to tell builds
     * apart, not resist an adversary: whoever can write the cache can write the jar.
     */
    private static String contentKey(Path file) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        java.util.zip.Adler32 adler = new java.util.zip.Adler32();
        long length = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; length += n) {
                crc.update(buf, 0, n);
                adler.update(buf, 0, n);
            }
        }
        return String.format("%x-%08x%08x", length, crc.getValue(), adler.getValue());
    }

    private Path entry(String list) {
        return dir.resolve(list.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key + ".rt");
    }

    /** The runtime assembled from list by this build, or null if the cache has no usable entry. */
    GuestRuntime.Library load(String list) {
        Path p = entry(list);
        byte[] b;
        try {
            b = Files.readAllBytes(p);
        } catch (IOException e) {
            return null;
        }
        try {
            if (b.length < MAGIC.length + 4 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) throw new FormatException("not a runtime cache entry");
            int objectsLength = ByteBuffer.wrap(b, MAGIC.length, 4).getInt();
            int start = MAGIC.length + 4;
            if (objectsLength < 0 || objectsLength > b.length - start) throw new FormatException("truncated");
            // Named as when assembled, so a link error reads the same whether or not the cache was used.
            var objects = Archive.readAsStored(Arrays.copyOfRange(b, start, start + objectsLength));
            var members = Archive.readAsStored(Arrays.copyOfRange(b, start + objectsLength, b.length));
            return new GuestRuntime.Library(objects, members);
        } catch (FormatException e) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Another run may be replacing it; it is assembled again either way.
            }
            return null;
        }
    }

    /** Keeps lib as what list assembles to under this build; silently does nothing if it cannot. */
    void store(String list, GuestRuntime.Library lib) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] objects = Archive.write(lib.objects());
            out.write(MAGIC);
            out.writeInt(objects.length);
            out.write(objects);
            out.write(Archive.write(lib.members()));
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "rt", ".tmp");
            try {
                Files.write(tmp, bytes.toByteArray());
                Files.move(tmp, entry(list), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // A read-only or full disk only costs the next run its start-up time.
        }
    }
}
