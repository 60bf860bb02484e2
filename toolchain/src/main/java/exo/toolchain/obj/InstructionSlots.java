package exo.toolchain.obj;

import exo.emulator.isa.Format;
import exo.emulator.isa.Operand;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What each value slot of {@link Format#pack} / {@link Format#unpack} holds, derived from the
 * format's operand list: a MEM operand is two slots, its signed offset ({@link Operand#SIMM16})
 * then its base register ({@link Operand#RS1}). The assembler fills slots and the linker patches
 * them through this one mapping.
 */
public final class InstructionSlots {
    private static final Map<Format, Operand[]> SLOTS = new EnumMap<>(Format.class);

    static {
        for (Format f : Format.values()) {
            List<Operand> out = new ArrayList<>();
            for (Operand o : f.operands) {
                if (o == Operand.MEM) {
                    out.add(Operand.SIMM16);
                    out.add(Operand.RS1);
                } else {
                    out.add(o);
                }
            }
            SLOTS.put(f, out.toArray(new Operand[0]));
        }
    }

    private InstructionSlots() {}

    /** The slot kinds of format f; callers must not modify the array. */
    public static Operand[] of(Format f) {
        return SLOTS.get(f);
    }

    /** Index of the first slot of kind k in format f, or -1. */
    public static int find(Format f, Operand k) {
        Operand[] s = SLOTS.get(f);
        for (int i = 0; i < s.length; i++) if (s[i] == k) return i;
        return -1;
    }
}
