package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.interp.Interpreter;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.kernel.Kernel;
import exo.os.KernelOptions;
import exo.os.RunResult;
import exo.toolchain.GuestRuntime;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import exo.trace.TraceFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exo run --trace} (docs/tracing.md): every trace follows the Trace Event Format's rules
 * ({@link TraceFormat}) and shows what the run did; a small program's trace is a golden file,
 * byte for byte the same under both engines; bad trace paths are clear errors.
 */
class TraceTest {
    private static final Path DIR = Path.of("src", "test", "resources", "trace");
    private static final Path PROGRAMS = GuestProgramsTest.PROGRAMS;

    @TempDir
    Path tmp;

    private List<Map<String, Object>> trace(String... runArgs) throws Exception {
        Path file = tmp.resolve("t.json");
        String[] args = new String[runArgs.length + 3];
        args[0] = "run";
        args[1] = "--trace";
        args[2] = file.toString();
        System.arraycopy(runArgs, 0, args, 3, runArgs.length);
        Cli.Result r = Cli.run(args);
        assertTrue(!List.of(64, 70, 73, 74).contains(r.code()), "the program ran (its own status is its business): " + r.code() + " " + r.err());
        return TraceFormat.check(Files.readString(file));
    }

    private static long count(List<Map<String, Object>> events, Predicate<Map<String, Object>> p) {
        return events.stream().filter(p).count();
    }

    private static Predicate<Map<String, Object>> ph(String ph, String cat) {
        return e -> ph.equals(e.get("ph")) && (cat == null || cat.equals(e.get("cat")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(Map<String, Object> e) {
        return (Map<String, Object>) e.get("args");
    }

    @Test
    void rpcShowsEachTransferAsAnArrowBetweenTheTwoEnvironments() throws Exception {
        List<Map<String, Object>> ev = trace(PROGRAMS.resolve("rpc.s").toString(), "--", "20");
        List<Map<String, Object>> starts = ev.stream().filter(ph("s", "pct")).toList();
        assertTrue(starts.size() >= 40, "two transfers per round trip: " + starts.size());
        for (Map<String, Object> s : starts) {
            Map<String, Object> f = ev.stream().filter(ph("f", "pct")).filter(e -> e.get("id").equals(s.get("id"))).findFirst().orElseThrow();
            assertTrue(!s.get("tid").equals(f.get("tid")), "an arrow joins two environments: " + s + " " + f);
        }
        assertEquals(2, count(ev, e -> "thread_name".equals(e.get("name"))), "client and server, one track each");
        assertTrue(count(ev, e -> "X".equals(e.get("ph")) && "pct_sync".equals(e.get("name"))) > 0);
        assertTrue(count(ev, e -> "exited".equals(e.get("name"))) == 2);
    }

    @Test
    void faultsShowEachForwardedExceptionWithItsRegistersAndHandler() throws Exception {
        List<Map<String, Object>> ev = trace(PROGRAMS.resolve("faults.s").toString());
        Map<String, Object> divzero = ev.stream().filter(ph("i", "exception")).filter(e -> "divzero".equals(e.get("name"))).findFirst().orElseThrow();
        assertTrue(((String) args(divzero).get("epc")).matches("0x[0-9a-f]{8}"), divzero.toString());
        assertTrue(((String) args(divzero).get("handler")).matches("0x[0-9a-f]{8}"), divzero.toString());
        assertTrue(args(divzero).containsKey("badvaddr"));
        assertTrue(count(ev, ph("C", null)) > 0, "counter tracks");
    }

    @Test
    void threadsShowTimeSlicesAndCounters() throws Exception {
        List<Map<String, Object>> ev = trace(PROGRAMS.resolve("threads.s").toString());
        assertTrue(count(ev, ph("B", "slice")) > 3, "preempted several times");
        for (String counter : List.of("TLB occupancy", "STLB hit rate", "free pages")) {
            assertTrue(count(ev, e -> "C".equals(e.get("ph")) && counter.equals(e.get("name"))) > 0, counter);
        }
    }

    @Test
    void theBaselineTracesProcessesSignalsAndPageTableWalks() throws Exception {
        List<Map<String, Object>> ev = trace("--kernel", "mono", "--trace-every-refill", Path.of("src", "test", "resources", "mono", "pingpong.s").toString());
        assertTrue(count(ev, e -> "thread_name".equals(e.get("name")) && ((String) args(e).get("name")).startsWith("pid ")) >= 2, "a track per process");
        assertTrue(count(ev, e -> "fork".equals(e.get("name")) && "X".equals(e.get("ph"))) > 0);
        assertTrue(count(ev, e -> "tlb miss filled (walk)".equals(e.get("name"))) > 0);
        List<Map<String, Object>> sig = trace("--kernel", "mono", Path.of("src", "test", "resources", "mono", "signals.s").toString());
        assertTrue(count(sig, ph("i", "exception")) > 0, "signals delivered");
    }

    @Test
    void hostClockTracesAreWellFormedToo() throws Exception {
        List<Map<String, Object>> ev = trace("--trace-clock", "host", PROGRAMS.resolve("threads.s").toString());
        assertTrue(count(ev, ph("B", "slice")) > 3);
    }

    @Test
    void revocationStepsAreOnTheTrack() throws Exception {
        Path src = Path.of("src", "test", "resources", "libos", "revoke.s");
        var exe = GuestRuntime.build(List.of(src), GuestRuntime.DEFAULT_LIST, LinkOptions.DEFAULT);
        Machine m = new Machine(16 << 20, 3, Console.capturing(new ByteArrayOutputStream()));
        m.setEngine(new Interpreter());
        Kernel k = new Kernel(m, KernelOptions.defaults());
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceFile trace = TraceFile.to(json, TraceFile.Options.DEFAULT);
        trace.attach(m, k, "exokernel", "env");
        int id = k.boot(Loader.image("revoke.s", exe), List.of("revoke.s"));
        k.run(150_000);
        int asked = -1;
        for (int p = k.pages().pages() - 1; p >= 0 && asked < 0; p--) {
            if (k.pages().owner(p) == id && !k.pages().pinned(p)) asked = p;
        }
        assertTrue(k.revoker().request(k.env(id), asked));
        assertEquals(RunResult.Reason.ALL_DONE, k.run(10_000_000).reason());
        trace.close();
        List<Map<String, Object>> ev = TraceFormat.check(json.toString(StandardCharsets.UTF_8));
        for (String step : List.of("revocation: request", "revoke", "revocation: honoured")) {
            assertEquals(1, count(ev, e -> step.equals(e.get("name"))), step);
        }
        assertEquals((double) asked, args(ev.stream().filter(e -> "revocation: request".equals(e.get("name"))).findFirst().orElseThrow()).get("page"));
    }

    /**
     * A trace stops recording at its size limit (a busy run traced whole could fill the host's
     * disk), stays well-formed JSON, and the run goes on to its end untraced.
     */
    @Test
    void aTraceStopsAtItsSizeLimitAndStaysWellFormed() throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream(), whole = new ByteArrayOutputStream();
        TraceFile limited = traceRevokeRun(json, 1024), unlimited = traceRevokeRun(whole, TraceFile.DEFAULT_LIMIT);
        assertTrue(limited.stoppedAt() > 0, "the trace stopped");
        assertEquals(-1, unlimited.stoppedAt());
        // Past the limit by at most what the JSON writer buffers (it hands bytes on 8 KiB at a
        // time, so the limit is seen at its first flush here) and the closing events.
        assertTrue(json.size() < 1024 + 16384, json.size() + " bytes");
        assertTrue(whole.size() > json.size() + 4096, whole.size() + " bytes against " + json.size());
        assertFalse(TraceFormat.check(json.toString(StandardCharsets.UTF_8)).isEmpty());
    }

    /** revoke.s run to its end, traced into out with a size limit; the trace is closed, and its writer was detached if it stopped. */
    private static TraceFile traceRevokeRun(ByteArrayOutputStream out, long limit) throws Exception {
        Path src = Path.of("src", "test", "resources", "libos", "revoke.s");
        var exe = GuestRuntime.build(List.of(src), GuestRuntime.DEFAULT_LIST, LinkOptions.DEFAULT);
        Machine m = new Machine(16 << 20, 3, Console.capturing(new ByteArrayOutputStream()));
        m.setEngine(new Interpreter());
        Kernel k = new Kernel(m, KernelOptions.defaults());
        TraceFile trace = TraceFile.to(out, TraceFile.Options.DEFAULT, limit);
        trace.attach(m, k, "exokernel", "env");
        k.boot(Loader.image("revoke.s", exe), List.of("revoke.s"));
        assertEquals(RunResult.Reason.ALL_DONE, k.run(10_000_000).reason());
        assertEquals(trace.stoppedAt() >= 0, k.stats().tracer == null, "a stopped trace's writer is detached, a whole one's is not");
        trace.close();
        return trace;
    }

    @Test
    void diskCompletionsNameTheirTagsOnTheRequestersTrackUnderBothEngines() throws Exception {
        List<List<Map<String, Object>>> both = new java.util.ArrayList<>();
        for (String engine : List.of("interp", "jit")) {
            Path img = tmp.resolve(engine + ".img");
            both.add(trace("--engine", engine, "--disk", img.toString(), "--disk-create", "64K", DiskCommandTest.BLOCKS));
        }
        List<Map<String, Object>> ev = both.get(0);
        List<Map<String, Object>> done = ev.stream().filter(ph("i", "disk")).toList();
        // blocks.s reads the root block, writes block 3 and the root, then flushes: tags 1..4 in order.
        assertEquals(List.of("disk: read done", "disk: write done", "disk: write done", "disk: flush done"), done.stream().map(e -> e.get("name")).toList());
        for (int i = 0; i < done.size(); i++) {
            Map<String, Object> e = done.get(i);
            assertEquals((double) (i + 1), args(e).get("tag"), e.toString());
            assertEquals("ok", args(e).get("status"), e.toString());
            assertEquals(257.0, e.get("tid"), "on the track of the environment that asked: " + e);
        }
        assertEquals(List.of(2.0, 3.0, 2.0), done.subList(0, 3).stream().map(e -> args(e).get("block")).toList());
        assertTrue(!args(done.get(3)).containsKey("block"), "a flush names no block");
        assertEquals(done, both.get(1).stream().filter(ph("i", "disk")).toList(), "the same events at the same cycles under the JIT");
        Path img = tmp.resolve("mono.img");
        List<Map<String, Object>> mono = trace("--kernel", "mono", "--disk", img.toString(), "--disk-create", "1M",
                Path.of("src", "test", "resources", "mono", "fscalls.s").toString());
        assertTrue(count(mono, e -> "disk".equals(e.get("cat")) && ((String) e.get("name")).startsWith("disk: write")) > 0, "the baseline's buffer cache writes");
        assertTrue(count(mono, e -> "disk".equals(e.get("cat")) && !args(e).containsKey("tag")) == 0);
    }

    /** The golden trace, regenerated with -Dexo.regenerateGolden=true after an intended change (review the diff). */
    @Test
    void aSmallProgramsTraceIsTheGoldenOneUnderBothEngines() throws Exception {
        String program = DIR.resolve("calls.s").toString();
        Path jit = tmp.resolve("jit.json"), interp = tmp.resolve("interp.json");
        Cli.Result a = Cli.run("run", "--runtime", "runtime-bare.list", "--trace", jit.toString(), program);
        Cli.Result b = Cli.run("run", "--engine", "interp", "--runtime", "runtime-bare.list", "--trace", interp.toString(), program);
        assertEquals(128 + exo.emulator.machine.Cause.BREAK.code, a.code(), a.err());
        assertEquals(a.code(), b.code());
        String trace = Files.readString(jit);
        assertEquals(trace, Files.readString(interp), "the same trace under both engines");
        TraceFormat.check(trace);
        Path golden = DIR.resolve("calls.expected.json");
        if (Boolean.getBoolean("exo.regenerateGolden")) Files.writeString(golden, trace);
        assertEquals(Files.readString(golden), trace);
    }

    /** Preemption by the timer, transfers, and the baseline: the trace does not depend on the engine. */
    @Test
    void libraryOsAndBaselineTracesAreTheSameUnderBothEngines() throws Exception {
        List<List<String>> runs = List.of(List.of(PROGRAMS.resolve("threads.s").toString()), List.of(PROGRAMS.resolve("rpc.s").toString(), "--", "20"),
                List.of("--kernel", "mono", Path.of("src", "test", "resources", "mono", "pingpong.s").toString()));
        for (List<String> run : runs) {
            String[] traces = new String[2];
            for (int i = 0; i < 2; i++) {
                Path file = tmp.resolve("e" + i + ".json");
                List<String> args = new java.util.ArrayList<>(List.of("run", "--engine", i == 0 ? "jit" : "interp", "--trace", file.toString()));
                args.addAll(run);
                Cli.run(args.toArray(new String[0]));
                traces[i] = Files.readString(file);
            }
            assertEquals(traces[0], traces[1], "jit and interp traces of " + run);
        }
    }

    @Test
    void anUnwritableTraceFileIsAClearErrorBeforeTheRun() throws Exception {
        Cli.Result r = Cli.run("run", "--trace", tmp.resolve("no/such/dir/t.json").toString(), PROGRAMS.resolve("hello.s").toString());
        assertEquals(73, r.code());
        assertTrue(r.err().contains("cannot write the trace: no such directory"), r.err());
        assertEquals("", r.out(), "nothing ran");
        Cli.Result dir = Cli.run("run", "--trace", tmp.toString(), PROGRAMS.resolve("hello.s").toString());
        assertEquals(73, dir.code());
        assertTrue(dir.err().contains("is a directory"), dir.err());
        assertTrue(!dir.err().contains("Exception"), dir.err());
    }

    @Test
    void theMonitorTracesFromABreakpointToTraceOff() throws Exception {
        Path file = tmp.resolve("m.json");
        Cli.Result r = Cli.withInput("break main\ncontinue\ntrace " + file + "\ncontinue\ntrace off\ntrace off\nquit\n",
                "debug", PROGRAMS.resolve("rpc.s").toString(), "--", "5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("trace written to " + file), r.out());
        assertTrue(r.out().contains("error: not tracing"), r.out());
        List<Map<String, Object>> ev = TraceFormat.check(Files.readString(file));
        assertTrue(count(ev, ph("s", "pct")) >= 10, "the transfers after the breakpoint");
        assertTrue((Double) ev.stream().filter(ph("B", "slice")).findFirst().orElseThrow().get("ts") > 0);
    }

    @Test
    void badTraceOptionsAreUsageErrors() {
        assertEquals(64, Cli.run("run", "--trace-clock", "wall", "--trace", tmp.resolve("t.json").toString(), PROGRAMS.resolve("hello.s").toString()).code());
        Cli.Result r = Cli.run("run", "--trace-every-refill", PROGRAMS.resolve("hello.s").toString());
        assertEquals(64, r.code());
        assertTrue(r.err().contains("need --trace FILE"), r.err());
    }
}
