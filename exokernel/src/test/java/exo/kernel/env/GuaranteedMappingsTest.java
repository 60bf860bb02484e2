package exo.kernel.env;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The int-keyed table of guaranteed mappings behaves as a map, through growth and removals. */
class GuaranteedMappingsTest {
    @Test
    void agreesWithAHashMapUnderRandomPutsAndRemoves() {
        Random rnd = new Random(11);
        GuaranteedMappings t = new GuaranteedMappings();
        Map<Integer, Environment.Guaranteed> model = new HashMap<>();
        for (int step = 0; step < 100_000; step++) {
            // Keys from a few clustered ranges, so probe runs collide and wrap.
            int vpn = rnd.nextInt(4) * 0x10000 + rnd.nextInt(300);
            if (rnd.nextInt(3) == 0) {
                assertEquals(model.remove(vpn), t.remove(vpn), "remove at step " + step);
            } else if (rnd.nextInt(500) == 0) {
                model.clear();
                t.clear();
            } else {
                Environment.Guaranteed g = new Environment.Guaranteed(vpn, rnd.nextInt(1000), rnd.nextInt(16));
                model.put(vpn, g);
                t.put(g);
            }
            assertEquals(model.size(), t.size(), "size at step " + step);
            int probe = rnd.nextInt(4) * 0x10000 + rnd.nextInt(300);
            assertEquals(model.get(probe), t.get(probe), "get at step " + step);
        }
        assertEquals(new HashSet<>(model.values()), new HashSet<>(t.values()));
    }
}
