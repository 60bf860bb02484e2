package exo.emulator.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegisterTest {
    @Test
    void everyRegisterHasOneNameAndARoleAndParsesBack() {
        Set<String> names = new HashSet<>();
        for (int r = 0; r < Register.COUNT; r++) {
            assertNotNull(Register.role(r));
            assertEquals(r, Register.parse(Register.name(r)));
            assertEquals(r, Register.parse("r" + r));
            assertEquals(true, names.add(Register.name(r)), "duplicate name " + Register.name(r));
        }
    }

    @Test
    void abiNamesSitWhereTheConventionSays() {
        assertEquals("zero", Register.name(0));
        assertEquals("k0", Register.name(Register.K0));
        assertEquals("k1", Register.name(Register.K1));
        assertEquals(Register.S0, Register.parse("fp"));
        assertEquals("t9", Register.name(Register.T9));
        assertEquals("s7", Register.name(Register.S7));
        assertEquals(-1, Register.parse("r32"));
        assertEquals(-1, Register.parse("T0"));
    }
}
