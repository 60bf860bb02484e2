package exo.toolchain.asm;

import exo.emulator.isa.Opcode;

/**
 * A statement whose bytes depend on expressions: one instruction, or one value of a data
 * directive. Encoded as soon as its expressions can be evaluated (usually at once), otherwise
 * kept for the second pass, when every label of the file is known.
 */
final class Stmt {
    /** The instruction, or null for a data value of {@link #width} bytes. */
    final Opcode op;
    final int width;
    /** Operand slots in {@link exo.emulator.isa.Format#pack} order; registers are {@link Expr.Num}. */
    final Expr[] slots;
    final Section section;
    final int offset;
    final Loc loc;
    /** Column of the mnemonic or directive, for errors about the statement as a whole. */
    final int col;

    Stmt(Opcode op, int width, Expr[] slots, Section section, int offset, Loc loc, int col) {
        this.op = op;
        this.width = width;
        this.slots = slots;
        this.section = section;
        this.offset = offset;
        this.loc = loc;
        this.col = col;
    }
}
