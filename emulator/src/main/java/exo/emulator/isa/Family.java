package exo.emulator.isa;

import java.util.EnumSet;
import java.util.Set;

/**
 * What kind of work a row does, which fixes the attributes it carries in {@link Opcode} and
 * the one generator per engine that executes it. Each family has the formats its rows may use;
 * {@link Opcode} checks every row against them at class initialisation.
 */
public enum Family {
    /**
     * {@code rd = operation(sources)}, the sources being the format's operands after rd
     * (rs1 and rs2, rs1 and an immediate, or an immediate alone); when the row has a
     * {@link Opcode#trapCheck} that holds over the sources, it raises {@link Opcode#trapCause}
     * and writes nothing.
     */
    ALU(EnumSet.of(Format.R, Format.I, Format.IU, Format.SH, Format.U)),
    /** {@code rd =} one half of a 64-bit counter, as it stood before this instruction. */
    COUNTER(EnumSet.of(Format.RD)),
    /** {@code rd =} memory at rs1 + simm16, of the row's width, extended by its signedness. */
    LOAD(EnumSet.of(Format.LD)),
    /** Memory at rs1 + simm16 = the low bytes of the data register, of the row's width. */
    STORE(EnumSet.of(Format.ST)),
    /** If the row's condition holds between the two registers, pc = pc + offset. */
    BRANCH(EnumSet.of(Format.BR)),
    /** {@code rd = pc + 4; pc = pc + offset}. */
    JUMP(EnumSet.of(Format.J)),
    /** {@code t = rs1 + simm16; rd = pc + 4; pc = t}. */
    JUMP_REGISTER(EnumSet.of(Format.JR)),
    /** Raises {@link Opcode#trapCause} with EPC = this instruction. */
    SYSTEM(EnumSet.of(Format.SYS));

    /** The formats a row of this family may have. */
    public final Set<Format> formats;

    Family(Set<Format> formats) {
        this.formats = formats;
    }

    /** Whether rows of this family can transfer control (and so end a basic block). */
    public boolean isControl() {
        return this == BRANCH || this == JUMP || this == JUMP_REGISTER || this == SYSTEM;
    }
}
