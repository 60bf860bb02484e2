package exo.toolchain.obj;

/**
 * A binary file (object, archive, executable) is malformed. The message says what is wrong and
 * where ("truncated at byte 812 while reading a symbol name"); callers add the file name.
 */
public final class FormatException extends Exception {
    public FormatException(String message) {
        super(message, null, false, false);
    }
}
