package exo.toolchain.asm;

/**
 * An error in the statement being assembled, at a 0-based column of its line. Thrown inside
 * the assembler and turned into a diagnostic at the statement boundary; never escapes it.
 */
class AsmError extends Exception {
    final int col;

    AsmError(int col, String message) {
        super(message, null, false, false);
        this.col = col;
    }
}
