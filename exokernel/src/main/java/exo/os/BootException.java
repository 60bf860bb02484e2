package exo.os;

/** A program image cannot be booted (it does not fit the machine or the limits); the message says why. */
public final class BootException extends RuntimeException {
    public BootException(String message) {
        super(message);
    }
}
