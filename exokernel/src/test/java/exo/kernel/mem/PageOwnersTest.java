package exo.kernel.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import exo.kernel.error.GuestError;
import exo.kernel.error.KernelError;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PageOwnersTest {
    /** The rule the free map must keep: "any page" is the lowest free page, found by a scan. */
    private static int lowestFree(PageOwners p) {
        for (int ppn = 0; ppn < p.pages(); ppn++) if (p.owner(ppn) == PageOwners.FREE) return ppn;
        return -1;
    }

    @Test
    void anyPageIsTheLowestFreeOneThroughRandomAllocationsAndReleases() {
        SplittableRandom rnd = new SplittableRandom(13);
        PageOwners p = new PageOwners(300, 1);
        List<Integer> held = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            if (op < 5 && p.freePages() > 0) {
                int expected = lowestFree(p);
                assertEquals(expected, p.allocate(PageOwners.ANY, 257), "step " + step);
                held.add(expected);
            } else if (op < 7 && p.freePages() > 0) {
                int ppn = rnd.nextInt(p.pages());
                if (p.owner(ppn) == PageOwners.FREE) {
                    assertEquals(ppn, p.allocate(ppn, 258));
                    held.add(ppn);
                } else {
                    GuestError e = assertThrows(GuestError.class, () -> p.allocate(ppn, 258));
                    assertEquals(KernelError.BUSY, e.error);
                }
            } else if (!held.isEmpty()) {
                p.release(held.remove(rnd.nextInt(held.size())));
            }
            assertEquals(p.pages() - held.size(), p.freePages());
        }
    }

    @Test
    void aFullTableRefusesAnyPageWithNoMemory() {
        PageOwners p = new PageOwners(3, 1);
        for (int i = 0; i < 3; i++) assertEquals(i, p.allocate(PageOwners.ANY, 257));
        assertEquals(KernelError.NOMEM, assertThrows(GuestError.class, () -> p.allocate(PageOwners.ANY, 257)).error);
        p.release(1);
        assertEquals(1, p.allocate(PageOwners.ANY, 257), "a page freed below the others is found again");
    }
}
