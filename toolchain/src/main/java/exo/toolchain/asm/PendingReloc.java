package exo.toolchain.asm;

import exo.toolchain.obj.RelocKind;

/**
 * A relocation before the symbol table exists: relative to a section's or an external symbol's
 * {@link Sym}, or absolute when {@code base} is null.
 */
record PendingReloc(int offset, RelocKind kind, Sym base, long addend, Loc loc, int col) {}
