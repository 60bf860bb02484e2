package exo.fuzz;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * A small property runner: {@code check} generates cases from a seeded {@link Random} through
 * {@link Choices} and runs the property on each; on a failure it shrinks the case's choice
 * sequence greedily — deleting whole list elements, then chunks of 8, 4, 2 and 1 choices,
 * then lowering each choice (to 0, else by halving steps) — keeping every change that still
 * fails with the same kind of exception, and fails with the minimal case, the seed and both
 * failure messages.
 *
 * <p>System properties: {@code exo.fuzz.tries} (cases per property; each module's pom sets its
 * build default), {@code exo.fuzz.seed} (replays a run), {@code exo.fuzz.shrinkSeconds} (bounds
 * shrinking; 60 by default, as is a bound of 20,000 shrink steps).
 */
public final class Fuzz {
    /** A property of generated values: it fails by throwing. */
    public interface Property<T> {
        void check(T value) throws Throwable;
    }

    private Fuzz() {}

    /** Checks the property on {@code exo.fuzz.tries} generated cases (100 if unset). */
    public static <T> void check(String name, Function<Choices, T> generator, Property<T> property) {
        long seed = Long.getLong("exo.fuzz.seed", new Random().nextLong());
        check(name, Integer.getInteger("exo.fuzz.tries", 100), seed, generator, property);
    }

    public static <T> void check(String name, int tries, long seed, Function<Choices, T> generator, Property<T> property) {
        Random random = new Random(seed);
        for (int i = 1; i <= tries; i++) {
            Choices c = Choices.random(random);
            T value = generator.apply(c);
            Throwable failure = failure(property, value);
            if (failure == null) continue;
            Shrinker<T> s = new Shrinker<>(generator, property, c, value, failure);
            s.shrink();
            throw new AssertionError(name + " failed on try " + i + " of " + tries + ", seed " + seed + " (replay with -Dexo.fuzz.seed=" + seed
                    + ")\nminimal case, after " + s.steps + " shrink steps (" + s.kept + " kept):\n" + s.value
                    + "\nits failure: " + s.failure + "\noriginal failure: " + failure, s.failure);
        }
    }

    private static <T> Throwable failure(Property<T> property, T value) {
        try {
            property.check(value);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static final class Shrinker<T> {
        final Function<Choices, T> generator;
        final Property<T> property;
        final Class<?> kind;
        final long deadline = System.nanoTime() + Long.getLong("exo.fuzz.shrinkSeconds", 60) * 1_000_000_000L;
        long[] best;
        List<int[]> spans;
        T value;
        Throwable failure;
        int steps, kept;

        Shrinker(Function<Choices, T> generator, Property<T> property, Choices c, T value, Throwable failure) {
            this.generator = generator;
            this.property = property;
            this.kind = failure.getClass();
            accept(c, value, failure);
        }

        private void accept(Choices c, T v, Throwable t) {
            best = c.recorded();
            spans = c.spans;
            spans.sort(Comparator.<int[]>comparingInt(s -> s[2]).thenComparingInt(s -> s[0]));
            value = v;
            failure = t;
        }

        boolean exhausted() {
            return steps >= 20_000 || System.nanoTime() > deadline;
        }

        /** Runs the candidate; keeps it if it fails the same way and is simpler (shorter, or as long and smaller). */
        boolean tryCandidate(long[] candidate) {
            if (exhausted() || Arrays.equals(candidate, best)) return false;
            steps++;
            Choices c = Choices.replay(candidate);
            T v;
            try {
                v = generator.apply(c);
            } catch (RuntimeException e) {
                return false;
            }
            long[] used = c.recorded();
            if (used.length > best.length || used.length == best.length && Arrays.compare(used, best) >= 0) return false;
            Throwable t = failure(property, v);
            if (t == null || t.getClass() != kind) return false;
            accept(c, v, t);
            kept++;
            return true;
        }

        static long[] without(long[] a, int from, int to) {
            long[] r = new long[a.length - (to - from)];
            System.arraycopy(a, 0, r, 0, from);
            System.arraycopy(a, to, r, from, a.length - to);
            return r;
        }

        void shrink() {
            boolean changed = true;
            while (changed && !exhausted()) {
                changed = false;
                for (int k = 8; k >= 1; k /= 2) {           // k adjacent elements of one list
                    for (int i = 0; i + k <= spans.size(); i++) {
                        int[] first = spans.get(i), last = spans.get(i + k - 1);
                        boolean adjacent = true;
                        for (int j = i + 1; j < i + k; j++) {
                            adjacent &= spans.get(j)[2] == first[2] && spans.get(j)[0] == spans.get(j - 1)[1];
                        }
                        if (adjacent && tryCandidate(without(best, first[0], last[1]))) { changed = true; i--; }
                    }
                }
                for (int k = 8; k >= 1; k /= 2) {           // k adjacent choices
                    for (int i = best.length - k; i >= 0; i--) {
                        if (i + k <= best.length && tryCandidate(without(best, i, i + k))) changed = true;
                    }
                }
                for (int i = 0; i < best.length; i++) {   // each choice as low as it goes: 0, else binary search
                    if (best[i] == 0) continue;
                    long[] c = best.clone();
                    c[i] = 0;
                    if (tryCandidate(c)) { changed = true; continue; }
                    long lo = 0, hi = best[i];
                    while (hi - lo > 1 && !exhausted()) {
                        c = best.clone();
                        long mid = lo + (hi - lo) / 2;          // the first try halves the choice
                        c[i] = mid;
                        if (!tryCandidate(c)) lo = mid;
                        else if (i < best.length && best[i] == mid) { hi = mid; changed = true; }
                        else { changed = true; break; }
                    }
                }
            }
        }
    }
}
