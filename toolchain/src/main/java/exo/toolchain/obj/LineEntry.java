package exo.toolchain.obj;

/** Bytes from {@code offset} (in a section, or an address once linked) came from file:line. */
public record LineEntry(int offset, int file, int line) {}
