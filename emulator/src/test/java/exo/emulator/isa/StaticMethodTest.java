package exo.emulator.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A row's method reference resolves to the method javac checked, and nothing else passes. */
class StaticMethodTest {
    @Test
    void aMethodReferenceNamesItsMethod() {
        StaticMethod m = StaticMethod.of("ROW", (Alu.Binary) Alu::mulhu, Alu.class, "(II)I");
        assertEquals(new StaticMethod("exo/emulator/isa/Alu", "mulhu", "(II)I"), m);
        assertEquals("lui", StaticMethod.of("ROW", (Alu.Unary) Alu::lui, Alu.class, "(I)I").name());
    }

    @Test
    void everyOtherShapeIsRejectedNamingTheRow() {
        assertRejected((Alu.Binary) (a, b) -> a + b, "(II)I");                 // a lambda, not a reference
        assertRejected((Alu.Binary) Math::max, "(II)I");                       // another class's method
        assertRejected((Alu.Binary) Alu::add, "(I)I");                         // the wrong arity for the format
        assertRejected((Alu.Check) Alu::addOverflows, "(II)I");                // a predicate where an operation goes
        assertRejected((Alu.Binary) StaticMethodTest::notPublic, "(II)I");     // a private method, of another class too
    }

    private static int notPublic(int a, int b) {
        return a;
    }

    private static void assertRejected(java.io.Serializable reference, String descriptor) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StaticMethod.of("SOME_ROW", reference, Alu.class, descriptor));
        assertTrue(e.getMessage().startsWith("SOME_ROW: "), e.getMessage());
    }

    @Test
    void everyRowResolvedToAnAluMethod() {
        for (Opcode op : Opcode.values()) {
            for (StaticMethod m : new StaticMethod[] {op.operation, op.trapCheck}) {
                if (m != null) assertEquals("exo/emulator/isa/Alu", m.owner(), op.toString());
            }
        }
    }
}
