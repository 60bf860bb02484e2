package exo.emulator.machine;

/**
 * A disk image cannot be used: the message names the file and says why. The kind decides the
 * command line's exit code (docs/disks.md).
 */
public final class DiskException extends RuntimeException {
    /** Why: the file is missing, exists where a new one was asked for, is not a valid image, or the host failed. */
    public enum Kind { MISSING, EXISTS, CORRUPT, IO }

    public final Kind kind;

    public DiskException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }
}
