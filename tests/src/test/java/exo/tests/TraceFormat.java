package exo.tests;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Trace Event Format's rules, as the viewers apply them, checked on a parsed trace (read
 * with the tests' own {@link Json}, not the library that wrote it): the object form with a
 * traceEvents array; every event has ph, pid, tid and name, and every timed one a numeric ts;
 * a known phase; B/E pairs nest per track (pid, tid) in time order and all are closed; a
 * complete (X) event lies inside a slice of its track and does not straddle a nested one; an
 * instant has a scope; a counter's args are numbers; every flow id has exactly one start (s)
 * and one finish (f), not before it, each inside a slice of its own track.
 */
final class TraceFormat {
    private static final Set<String> PHASES = Set.of("B", "E", "X", "i", "C", "s", "f", "M");

    /** A slice on one track: [begin, end]. */
    private record Span(double begin, double end) {
        boolean contains(double t) {
            return begin <= t && t <= end;
        }
    }

    private TraceFormat() {}

    /** The trace's events, after checking every rule above; throws AssertionError naming the first broken one. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> check(String json) {
        Object doc = Json.parse(json);
        if (!(doc instanceof Map)) throw new AssertionError("a trace is a JSON object");
        Object evs = ((Map<String, Object>) doc).get("traceEvents");
        if (!(evs instanceof List)) throw new AssertionError("no traceEvents array");
        List<Map<String, Object>> events = new ArrayList<>();
        for (Object o : (List<Object>) evs) {
            if (!(o instanceof Map)) throw new AssertionError("an event is not an object: " + o);
            events.add((Map<String, Object>) o);
        }
        Map<String, List<Span>> slices = new HashMap<>();
        Map<String, Deque<Double>> open = new HashMap<>();
        List<Map<String, Object>> timed = new ArrayList<>();
        for (Map<String, Object> e : events) {
            for (String f : List.of("ph", "pid", "tid", "name")) {
                if (!e.containsKey(f)) throw new AssertionError("event without " + f + ": " + e);
            }
            String ph = (String) e.get("ph");
            if (!PHASES.contains(ph)) throw new AssertionError("unknown phase " + ph + ": " + e);
            if (ph.equals("M")) {
                if (!(e.get("args") instanceof Map)) throw new AssertionError("metadata without args: " + e);
                continue;
            }
            if (!(e.get("ts") instanceof Double)) throw new AssertionError("event without a numeric ts: " + e);
            timed.add(e);
        }
        // Viewers order events by timestamp, keeping file order for equal ones.
        timed.sort(Comparator.comparingDouble(e -> (Double) e.get("ts")));
        for (Map<String, Object> e : timed) {
            String track = e.get("pid") + "/" + e.get("tid");
            double ts = (Double) e.get("ts");
            switch ((String) e.get("ph")) {
                case "B":
                    open.computeIfAbsent(track, k -> new ArrayDeque<>()).push(ts);
                    break;
                case "E": {
                    Deque<Double> stack = open.get(track);
                    if (stack == null || stack.isEmpty()) throw new AssertionError("E without a B on track " + track + ": " + e);
                    slices.computeIfAbsent(track, k -> new ArrayList<>()).add(new Span(stack.pop(), ts));
                    break;
                }
                case "X":
                    if (!(e.get("dur") instanceof Double) || (Double) e.get("dur") < 0) throw new AssertionError("X without a dur >= 0: " + e);
                    break;
                case "i":
                    if (!Set.of("t", "p", "g").contains(e.get("s"))) throw new AssertionError("instant without a scope: " + e);
                    break;
                case "C":
                    if (!(e.get("args") instanceof Map)) throw new AssertionError("counter without args: " + e);
                    for (Object v : ((Map<String, Object>) e.get("args")).values()) {
                        if (!(v instanceof Double)) throw new AssertionError("counter value not a number: " + e);
                    }
                    break;
                default:
                    break;
            }
        }
        open.forEach((track, stack) -> {
            if (!stack.isEmpty()) throw new AssertionError(stack.size() + " slice(s) never ended on track " + track);
        });
        Map<Object, Map<String, Object>> starts = new HashMap<>(), finishes = new HashMap<>();
        for (Map<String, Object> e : timed) {
            String ph = (String) e.get("ph");
            String track = e.get("pid") + "/" + e.get("tid");
            double ts = (Double) e.get("ts");
            if (ph.equals("X")) {
                double end = ts + (Double) e.get("dur");
                if (inside(slices, track, ts) == null || !inside(slices, track, ts).contains(end)) {
                    throw new AssertionError("X not inside one slice of its track: " + e);
                }
            }
            if (ph.equals("s") || ph.equals("f")) {
                if (!e.containsKey("id") || !e.containsKey("cat")) throw new AssertionError("flow event without id or cat: " + e);
                Map<Object, Map<String, Object>> side = ph.equals("s") ? starts : finishes;
                if (side.put(e.get("cat") + "#" + e.get("id"), e) != null) throw new AssertionError("flow id used twice: " + e);
                if (inside(slices, track, ts) == null) throw new AssertionError("flow event outside every slice of its track: " + e);
            }
        }
        if (!starts.keySet().equals(finishes.keySet())) throw new AssertionError("flows that do not connect: starts " + starts.keySet() + ", finishes " + finishes.keySet());
        starts.forEach((id, s) -> {
            if ((Double) finishes.get(id).get("ts") < (Double) s.get("ts")) throw new AssertionError("flow finishes before it starts: " + s);
        });
        return events;
    }

    /** The innermost slice of track containing t, or null. */
    private static Span inside(Map<String, List<Span>> slices, String track, double t) {
        Span best = null;
        for (Span s : slices.getOrDefault(track, List.of())) {
            if (s.contains(t) && (best == null || s.begin() >= best.begin())) best = s;
        }
        return best;
    }
}
