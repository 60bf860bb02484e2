package exo.cli;

import exo.emulator.machine.Disk;
import exo.emulator.machine.DiskException;
import exo.kernel.disk.BlockOwners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code exo debug --disk FILE}'s disk: every boot of a monitor session (the first, {@code run},
 * reverse execution's replays) gets a fresh copy of FILE as it was when the monitor started, so
 * each replay sees the same disk and reaches the same state; FILE itself is never written.
 */
final class DiskScratch implements AutoCloseable {
    private final Path original;
    private final Path copy;
    private Disk current;

    /**
     * Checks that original is an image the kernel would mount, and makes room for its copies.
     *
     * @throws DiskException MISSING, CORRUPT or IO, naming original
     */
    DiskScratch(Path original) {
        try (Disk d = Disk.openReadOnly(original)) {
            List<BlockOwners.Copy> copies = BlockOwners.inspect(d);
            if (BlockOwners.current(copies) == null) {
                throw new DiskException(DiskException.Kind.CORRUPT, original + ": not a valid disk image: metadata copy A " + copies.get(0).problem()
                        + "; copy B " + copies.get(1).problem());
            }
        }
        this.original = original;
        try {
            this.copy = Files.createTempFile("exo-debug-", ".img");
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, "cannot make a scratch copy of " + original + ": " + e.getMessage());
        }
    }

    /** A new copy of the original, opened; the previous copy's device is closed. */
    Disk fresh() {
        if (current != null) current.close();
        try {
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DiskException(DiskException.Kind.IO, "cannot make a scratch copy of " + original + ": " + e.getMessage());
        }
        current = Disk.open(copy);
        return current;
    }

    @Override
    public void close() {
        if (current != null) current.close();
        try {
            Files.deleteIfExists(copy);
        } catch (IOException ignored) {
            // a scratch file in the temporary directory; nothing to tell the user
        }
    }
}
