package exo.kernel.env;

import java.util.ArrayList;
import java.util.List;

/**
 * An environment's guaranteed mappings by virtual page number: an open-addressed table with
 * int keys, so the TLB-miss and exception-forwarding paths look a page up without boxing it
 * (they did, through a {@code HashMap<Integer, ...>}, on every STLB miss and every forward).
 *
 * <p>Linear probing in a power-of-two table kept at most half full; removal shifts the rest of
 * the probe run back, so there are no tombstones and a lookup stops at the first empty line.
 */
public final class GuaranteedMappings {
    private int[] keys = new int[16];
    private Environment.Guaranteed[] values = new Environment.Guaranteed[16];
    private int size;

    private static int hash(int vpn) {
        int h = vpn * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private int lineOf(int vpn) {
        int mask = keys.length - 1;
        for (int i = hash(vpn) & mask; ; i = (i + 1) & mask) {
            if (values[i] == null || keys[i] == vpn) return i;
        }
    }

    /** The mapping of virtual page vpn, or null. */
    public Environment.Guaranteed get(int vpn) {
        return values[lineOf(vpn)];
    }

    /** Adds or replaces the mapping of g.vpn(). */
    public void put(Environment.Guaranteed g) {
        if (2 * (size + 1) > keys.length) grow();
        int i = lineOf(g.vpn());
        if (values[i] == null) size++;
        keys[i] = g.vpn();
        values[i] = g;
    }

    /** Removes and returns the mapping of vpn, or null if there is none. */
    public Environment.Guaranteed remove(int vpn) {
        int mask = keys.length - 1;
        int i = lineOf(vpn);
        Environment.Guaranteed old = values[i];
        if (old == null) return null;
        values[i] = null;
        size--;
        // Shift later members of the probe run back into the hole they would otherwise skip.
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
            if (movable) {
                keys[i] = keys[j];
                values[i] = values[j];
                values[j] = null;
                i = j;
            }
        }
        return old;
    }

    public int size() {
        return size;
    }

    /** A snapshot of every mapping, in no particular order. */
    public List<Environment.Guaranteed> values() {
        List<Environment.Guaranteed> l = new ArrayList<>(size);
        for (Environment.Guaranteed g : values) if (g != null) l.add(g);
        return l;
    }

    public void clear() {
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    private void grow() {
        Environment.Guaranteed[] old = values;
        keys = new int[old.length * 2];
        values = new Environment.Guaranteed[old.length * 2];
        size = 0;
        for (Environment.Guaranteed g : old) if (g != null) put(g);
    }
}
