package exo.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Fuzz} finds planted failures and shrinks them to the minimal case; a seed replays a run. */
class ShrinkTest {
    /** The minimal case as the failure prints it: the line after "minimal case". */
    static String minimal(AssertionError e) {
        return e.getMessage().lines().dropWhile(l -> !l.startsWith("minimal case")).skip(1).findFirst().orElseThrow();
    }

    static AssertionError failure(long seed, java.util.function.Function<Choices, ?> generator, Fuzz.Property<Object> property) {
        return assertThrows(AssertionError.class, () -> Fuzz.check("planted", 1000, seed, generator::apply, property));
    }

    @Test
    void aListWithAValueOver1000ShrinksToTheOneValue1001() {
        for (long seed = 1; seed <= 5; seed++) {
            AssertionError e = failure(seed, c -> c.list(0, 50, x -> x.between(0, 1_000_000)),
                    v -> assertTrue(((List<?>) v).stream().allMatch(x -> (Integer) x <= 1000), "a value over 1000"));
            assertEquals("[1001]", minimal(e), e.getMessage());
            assertTrue(e.getMessage().contains("seed " + seed + " ") && e.getMessage().contains("original failure: ")
                    && e.getMessage().contains("a value over 1000"), e.getMessage());
        }
    }

    record Pair(int a, long b) {}

    @Test
    void signedValuesShrinkTowardsZeroFromEitherSide() {
        AssertionError e = failure(7, c -> new Pair(c.anyInt(), c.anyLong()), v -> {
            Pair p = (Pair) v;
            assertTrue(p.a() > -500 || p.b() < 10, "negative enough");
        });
        assertEquals("Pair[a=-500, b=10]", minimal(e));
    }

    @Test
    void aShrunkCaseKeepsTheKindOfFailure() {
        // Lists of more than 3 elements throw one exception; a 7 anywhere throws another. The
        // first failure is a long list, and it must not shrink into the other kind (a lone [7]).
        AssertionError e = failure(3, c -> c.list(0, 40, x -> x.between(0, 9)), v -> {
            List<?> l = (List<?>) v;
            if (l.size() > 3) throw new IllegalStateException("long");
            if (l.contains(7)) throw new AssertionError("seven");
        });
        assertEquals("[0, 0, 0, 0]", minimal(e));
        assertEquals(IllegalStateException.class, e.getCause().getClass());
    }

    @Test
    void nestedListsLoseWholeElementsAndPicksGoToTheFirstOption() {
        AssertionError e = failure(11, c -> c.list(1, 6, x -> x.list(0, 5, y -> y.pick("a", "b", "c"))), v -> {
            assertTrue(!v.toString().contains("c"), "a c");
        });
        assertEquals("[[c]]", minimal(e));
    }

    @Test
    void aSeedReplaysTheRunAndAPassingPropertyRunsEveryTry() {
        java.util.function.Function<Choices, ?> gen = c -> c.list(0, 20, x -> x.anyInt());
        Fuzz.Property<Object> prop = v -> assertTrue(((List<?>) v).size() < 15);
        assertEquals(failure(42, gen, prop).getMessage(), failure(42, gen, prop).getMessage());
        int[] runs = {0};
        Fuzz.check("passes", 321, 5, c -> c.between(0, 3), v -> runs[0]++);
        assertEquals(321, runs[0]);
    }
}
