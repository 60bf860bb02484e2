package exo.monitor;

import exo.emulator.machine.Footprint;
import exo.emulator.machine.Machine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The periodic snapshots reverse execution restores from: one at the boot, then one whenever
 * execution has gone {@link #interval()} instructions past the latest before it, so going back
 * re-executes at most one interval (plus the distance back) instead of the whole run.
 *
 * <p>Memory is bounded: a snapshot's machine image shares every page unchanged since the
 * snapshot before it ({@link exo.emulator.machine.PhysicalMemory.Image}), the pages held are
 * counted once however many snapshots share them, and when the total passes {@link #budget()}
 * every other snapshot (never the boot's) is dropped and the interval doubled, so a run of any
 * length keeps a bounded number of snapshots spread over all of it.
 *
 * <p>Execution run through leaves a {@link Footprint} of each tick of it ({@link Debugger}, an eighth of the first interval) (and of
 * each shorter piece that ends at a snapshot), kept by the positions it spans: what
 * reverse-continue asks before it re-executes a stretch, and how far into it it must go. A footprint stays true of its stretch when the snapshots between are
 * thinned (a stretch is then asked of the footprints that chain across it); only a change the
 * user makes drops the ones after it.
 */
final class Snapshots {
    /**
     * One snapshot: the machine, the rest of the target and the debugger's bookkeeping (one
     * {@link ObjectImage}), and where the running environment's activations were.
     */
    record Entry(long position, long cycles, Machine.Snapshot machine, ObjectImage state, String running, long handlerEntries) {}

    /** Default instructions between snapshots: about a tenth of a second of the JIT's speed. */
    static final long INTERVAL = 1L << 24;
    /** Default host memory snapshots may hold before they are thinned: 1 GiB, or a third of the heap if that is less. */
    static final long BUDGET = Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 3);

    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    /** A footprint of the execution from one position to a later one, and the cycle count at that later state. */
    record Stretch(long end, long endCycles, Footprint footprint) {}

    /** Footprints by the position they start at. */
    private final TreeMap<Long, Stretch> stretches = new TreeMap<>();
    /** How many snapshots hold each page copy, so a page is counted once and freed with its last holder. */
    private final Map<byte[], Integer> holders = new IdentityHashMap<>();
    private long interval;
    private final long budget;
    private long pageBytes, stateBytes;

    Snapshots(long interval, long budget) {
        this.interval = interval;
        this.budget = budget;
    }

    long interval() {
        return interval;
    }

    long budget() {
        return budget;
    }

    /** Whether a snapshot should be taken at position: none yet, or the latest before it is an interval back. */
    boolean due(long position) {
        Map.Entry<Long, Entry> e = entries.floorEntry(position);
        return e == null || e.getKey() <= position - interval;
    }

    /** The first position after position at which {@link #due} may hold. */
    long nextDue(long position) {
        Map.Entry<Long, Entry> e = entries.floorEntry(position);
        return e == null ? position : e.getKey() + interval;
    }

    void add(Entry e) {
        Entry old = entries.put(e.position(), e);
        if (old != null) release(old);
        for (byte[] p : e.machine().memory().heldPages()) {
            if (p != null && holders.merge(p, 1, Integer::sum) == 1) pageBytes += p.length;
        }
        stateBytes += e.state().bytes();
        while (bytes() > budget && entries.size() > 2) thin();
    }

    /** The latest snapshot at or before position, or null. */
    Entry atOrBefore(long position) {
        Map.Entry<Long, Entry> e = entries.floorEntry(position);
        return e == null ? null : e.getValue();
    }

    /** The snapshots at or before position, latest first. */
    List<Entry> before(long position) {
        return new ArrayList<>(entries.headMap(position, true).descendingMap().values());
    }

    /**
     * Drops the snapshots at or after position and the footprints ending after it: the user
     * changed the state there, so what follows differs (a snapshot at the position itself may
     * have been taken before the change).
     */
    void dropFrom(long position) {
        while (!entries.isEmpty() && entries.lastKey() >= position) release(entries.pollLastEntry().getValue());
        stretches.values().removeIf(s -> s.end() > position);
    }

    /** Keeps the footprint of the execution from position start to the state at position end and cycle endCycles (frozen). */
    void recorded(long start, long end, long endCycles, Footprint f) {
        stretches.put(start, new Stretch(end, endCycles, f.freeze()));
    }

    /** The footprint recorded from position start, or null. */
    Stretch recordedFrom(long start) {
        return stretches.get(start);
    }

    int size() {
        return entries.size();
    }

    /** Host memory the snapshots hold: page copies (each counted once) and the images of the rest. */
    long bytes() {
        return pageBytes + stateBytes;
    }

    /** Drops every other snapshot after the boot's and doubles the interval. */
    private void thin() {
        List<Long> keys = new ArrayList<>(entries.keySet());
        for (int i = 1; i < keys.size(); i += 2) release(entries.remove(keys.get(i)));
        interval *= 2;
    }

    private void release(Entry e) {
        for (byte[] p : e.machine().memory().heldPages()) {
            if (p == null) continue;
            int n = holders.merge(p, -1, Integer::sum);
            if (n == 0) {
                holders.remove(p);
                pageBytes -= p.length;
            }
        }
        stateBytes -= e.state().bytes();
    }
}
