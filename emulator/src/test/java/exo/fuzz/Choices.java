package exo.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The choices a generator makes, drawn from a seeded {@link Random} or replayed from a recorded
 * sequence (the approach Hypothesis takes). Every draw is recorded as a number in 0..max where 0
 * is the simplest value, so a case is wholly described by its sequence and {@link Fuzz} shrinks a
 * failing case by shrinking the sequence. Replaying past the sequence's end draws 0; a recorded
 * number too big for its draw is taken as the draw's largest.
 */
public final class Choices {
    private final Random random;          // null when replaying
    private final long[] replay;
    private long[] recorded = new long[64];
    private int size, depth;
    /** List elements drawn: {start, end, depth} in the recorded sequence, so whole elements can be deleted. */
    final List<int[]> spans = new ArrayList<>();

    private Choices(Random random, long[] replay) {
        this.random = random;
        this.replay = replay;
    }

    static Choices random(Random random) {
        return new Choices(random, null);
    }

    static Choices replay(long[] sequence) {
        return new Choices(null, sequence);
    }

    /** The sequence drawn so far. */
    long[] recorded() {
        return Arrays.copyOf(recorded, size);
    }

    /** The next choice, in 0..max (max >= 0). */
    private long draw(long max) {
        long v;
        if (random != null) v = max == Long.MAX_VALUE ? random.nextLong() >>> 1 : random.nextLong(max + 1);
        else v = Math.min(size < replay.length ? replay[size] : 0, max);
        return record(v);
    }

    private long record(long v) {
        if (size == recorded.length) recorded = Arrays.copyOf(recorded, 2 * size);
        recorded[size++] = v;
        return v;
    }

    /** An int in lo..hi (inclusive); shrinks towards lo. */
    public int between(int lo, int hi) {
        if (hi < lo) throw new IllegalArgumentException(lo + " > " + hi);
        return (int) (lo + draw((long) hi - lo));
    }

    public boolean bool() {
        return draw(1) == 1;
    }

    /** Any int, uniformly; shrinks towards 0 (a magnitude, then a sign). */
    public int anyInt() {
        int m = (int) draw(Integer.MAX_VALUE);
        return bool() ? ~m : m;
    }

    /** Any long, uniformly; shrinks towards 0. */
    public long anyLong() {
        long m = draw(Long.MAX_VALUE);
        return bool() ? ~m : m;
    }

    /** One of the options; shrinks towards the first. */
    @SafeVarargs
    public final <T> T pick(T... options) {
        return options[between(0, options.length - 1)];
    }

    public int pick(int... options) {
        return options[between(0, options.length - 1)];
    }

    /** A list of min..max elements, short ones the likelier (the size is min + (max - min + 1) u², u uniform in [0, 1)). */
    public <T> List<T> list(int min, int max, Function<Choices, T> element) {
        double u = random != null ? random.nextDouble() : 0;
        return list(min, max, min + (int) ((max - min + 1) * u * u), element);
    }

    /** A list of min..max elements, every size as likely. */
    public <T> List<T> uniformList(int min, int max, Function<Choices, T> element) {
        return list(min, max, random != null ? min + random.nextInt(max - min + 1) : -1, element);
    }

    /**
     * A list of n elements when generating (min..max when replaying). Each element past the
     * minimum is preceded by a "one more" choice, so shrinking that to 0 ends the list there,
     * and an element's choices are a span that shrinking may delete whole.
     */
    private <T> List<T> list(int min, int max, int n, Function<Choices, T> element) {
        List<T> list = new ArrayList<>();
        while (list.size() < max) {
            int start = size;
            if (list.size() >= min) {
                boolean more = random != null ? record(list.size() < n ? 1 : 0) == 1 : bool();
                if (!more) break;
            }
            depth++;
            list.add(element.apply(this));
            depth--;
            spans.add(new int[] {start, size, depth});
        }
        return list;
    }
}
