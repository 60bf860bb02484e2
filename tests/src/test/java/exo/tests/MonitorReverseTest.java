package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Register;
import exo.emulator.jit.Engines;
import exo.emulator.machine.Console;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import exo.monitor.Debugger;
import exo.monitor.ExeDebugInfo;
import exo.monitor.Monitor;
import exo.monitor.OsTarget;
import exo.os.GuestOs;
import exo.os.KernelOptions;
import exo.system.KernelKind;
import exo.toolchain.GuestRuntime;
import exo.toolchain.exe.Executable;
import exo.toolchain.exe.Loader;
import exo.toolchain.link.LinkOptions;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reverse execution from snapshots (issue 14, deliverable 3): a state reached backwards is bit
 * for bit the state reached forwards (machine, kernel views, console output, the monitor's own
 * record), under both engines; reverse-continue stops at watchpoints ("who wrote this?"),
 * caught exceptions, and the most recent event of any kind; the snapshots stay within their
 * memory budget; Ctrl-C during a search leaves the state exactly as it was.
 *
 * <p>Sieve of 10^6 (about 1.3 * 10^7 instructions) with a snapshot every 2^20 instructions
 * (not paced by their cost), so every reverse command crosses several.
 */
class MonitorReverseTest {
    private static final List<String> ARGS = List.of("sieve.s", "1000000");
    private static final long INTERVAL = 1 << 20;

    /** A monitor session on sieve; its commands run, its output (monitor and guest) kept. */
    private static final class Session {
        final Debugger dbg;
        final StringWriter out = new StringWriter();
        final ByteArrayOutputStream guest = new ByteArrayOutputStream();
        private final Monitor monitor;

        Session(String engine, long budget) throws Exception {
            this(engine, budget, INTERVAL);
        }

        Session(String engine, long budget, long interval) throws Exception {
            Executable exe = GuestRuntime.build(List.of(GuestProgramsTest.PROGRAMS.resolve("sieve.s")), GuestRuntime.DEFAULT_LIST,
                    LinkOptions.DEFAULT);
            ExeDebugInfo info = new ExeDebugInfo(exe);
            dbg = new Debugger((in, o) -> {
                Machine m = new Machine(Machine.DEFAULT_MEMORY, 42, new Console(o, in));
                m.setEngine(Engines.create(engine));
                GuestOs os = KernelKind.EXO.create(m, KernelOptions.defaults().withSeed(42));
                os.boot(Loader.image("sieve.s", exe), ARGS);
                os.run(0);
                return new OsTarget(m, os, info);
            }, InputStream.nullInputStream(), guest, interval, budget, 0);
            monitor = new Monitor(dbg, new PrintWriter(out, true));
        }

        Session(String engine) throws Exception {
            this(engine, 1L << 30);
        }

        /** files.s with args on a fresh copy of image at each boot, as {@code exo debug --disk} runs it. */
        Session(String engine, Path image, Path scratch, String... args) throws Exception {
            Executable exe = GuestRuntime.build(List.of(GuestProgramsTest.PROGRAMS.resolve("files.s")), GuestRuntime.DEFAULT_LIST,
                    LinkOptions.DEFAULT);
            ExeDebugInfo info = new ExeDebugInfo(exe);
            List<String> argv = new java.util.ArrayList<>(List.of("files.s"));
            argv.addAll(List.of(args));
            Disk[] open = new Disk[1];
            dbg = new Debugger((in, o) -> {
                if (open[0] != null) open[0].close();
                try {
                    java.nio.file.Files.copy(image, scratch, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                Machine m = new Machine(Machine.DEFAULT_MEMORY, 42, new Console(o, in));
                m.attachDisk(open[0] = Disk.open(scratch));
                m.setEngine(Engines.create(engine));
                GuestOs os = KernelKind.EXO.create(m, KernelOptions.defaults().withSeed(42));
                os.boot(Loader.image("files.s", exe), argv);
                os.run(0);
                return new OsTarget(m, os, info);
            }, InputStream.nullInputStream(), guest, 1 << 16, 1L << 30, 0);
            monitor = new Monitor(dbg, new PrintWriter(out, true));
        }

        String run(String commands) throws Exception {
            int from = out.getBuffer().length();
            monitor.run(Monitor.script(new BufferedReader(new StringReader(commands))));
            return out.getBuffer().substring(from);
        }

        int reg(String name) {
            return dbg.machine().cpu.regs[Register.parse(name)];
        }

        /**
         * Everything a user could observe, as text: registers, control registers, counters, trap
         * counts, the TLB, a digest of every page of memory, every kernel view, the guest's
         * output, the trap log and the live handler activations.
         */
        String state() {
            Machine m = dbg.machine();
            StringBuilder b = new StringBuilder();
            b.append(Arrays.toString(m.cpu.regs)).append(" pc ").append(m.cpu.pc).append(" epc ").append(m.cpu.epc)
                    .append(" cause ").append(m.cpu.cause).append(" bad ").append(m.cpu.badVaddr).append(" cycles ").append(m.cpu.cycles)
                    .append(" instret ").append(m.cpu.instret).append(" timer ").append(m.cpu.timerCompare).append(" asid ")
                    .append(m.mmu.asid()).append(" halted ").append(m.isHalted()).append('\n');
            b.append(Arrays.toString(m.trapCounts)).append('\n');
            for (int i = 0; i < Tlb.SIZE; i++) b.append(m.tlb.vpn(i)).append('/').append(m.tlb.asid(i)).append('/').append(m.tlb.pfn(i))
                    .append('/').append(m.tlb.flags(i)).append(' ');
            long digest = 0;
            for (int p = 0; p < m.memory.pages(); p++) digest = digest * 31 + Arrays.hashCode(m.memory.page(p));
            b.append("\nmemory ").append(digest).append('\n');
            Map<String, String> views = new TreeMap<>();
            dbg.target().kernelViews().forEach((k, v) -> views.put(k, v.get()));
            b.append(views).append('\n');
            Disk disk = m.disk();
            if (disk != null) {
                try {
                    b.append("disk file ").append(Arrays.hashCode(java.nio.file.Files.readAllBytes(disk.path()))).append(" queue ")
                            .append(disk.inFlight()).append(" completed ").append(disk.completed()).append(" unflushed ")
                            .append(disk.unflushedBlocks()).append(" flushes ").append(disk.flushes()).append('\n');
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            b.append("output ").append(guest.toString()).append('\n');
            for (Debugger.TrapRecord t : dbg.trapLog()) b.append(t).append('\n');
            for (Debugger.Activation a : dbg.liveActivations()) {
                b.append(a.cause()).append(' ').append(a.epc()).append(' ').append(a.handlerPc()).append(' ').append(Arrays.toString(a.regs())).append('\n');
            }
            return b.toString();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void reverseThenForwardReachesTheEndBitForBit(String engine) throws Exception {
        Session s = new Session(engine);
        String out = s.run("continue\n");
        assertTrue(out.contains("exited with status 0"), out);
        String end = s.state();
        long last = s.dbg.position();
        s.run("reverse-step 5000000\n");
        assertEquals(last - 5_000_000, s.dbg.position());
        String middle = s.state();
        s.run("reverse-step 3000000\n");
        s.run("continue\n");
        assertEquals(end, s.state(), "the end reached again");
        assertEquals("primes<=1000000: 78498\n", s.guest.toString(), "output printed once");
        s.run("reverse-step " + 5_000_000 + "\n");
        assertEquals(middle, s.state(), "the middle reached backwards twice");
    }

    /** Sieve's line 31 runs once for each prime up to 1000; the hits reached backwards are those reached forwards. */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void reverseContinueReachesTheSameBreakpointHitsAsContinue(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break sieve.s:31\ncontinue\ncontinue\ncontinue\n");
        String third = forward.state();
        forward.run("continue\n");
        String fourth = forward.state();

        Session back = new Session(engine);
        back.run("break sieve.s:31\n" + "continue\n".repeat(6));
        assertEquals(13, back.reg("t0"), "the sixth prime");
        String t = back.run("reverse-continue\nreverse-continue\n");
        assertTrue(t.contains("breakpoint 1 at ") && t.contains("(reached backwards)"), t);
        assertEquals(fourth, back.state());
        back.run("reverse-continue\n");
        assertEquals(third, back.state());
        assertEquals(5, back.reg("t0"));
    }

    /** "Who wrote this?": flags[60] is written when i is 2, 3 and 5; reverse-continue goes back to the write before. */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void reverseContinueStopsAtTheEarlierWrite(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break sieve.s:25\ncontinue\ndelete\n");
        int flag = forward.reg("s2") + 60;
        forward.run(String.format("watch 0x%x 1\ncontinue\ncontinue\n", flag));
        assertEquals(3, forward.reg("t0"));
        String second = forward.state();

        Session back = new Session(engine);
        back.run(String.format("watch 0x%x 1\ncontinue\ncontinue\ncontinue\n", flag));
        assertEquals(5, back.reg("t0"), "the third write");
        String t = back.run("reverse-continue\n");
        assertTrue(t.contains("watchpoint 1: write of 1 byte at 0x" + Integer.toHexString(flag)) && t.contains("(old 0x1, new 0x1) (reached backwards)"), t);
        assertEquals(3, back.reg("t0"), "the second write, by i = 3");
        assertEquals(second, back.state());
        t = back.run("reverse-continue\n");
        assertTrue(t.contains("(old 0x0, new 0x1) (reached backwards)"), t);
        assertEquals(2, back.reg("t0"), "the first write, by i = 2");
    }

    /** With a breakpoint and a later caught exception, reverse-continue stops at the catch: the most recent event. */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void reverseContinueStopsAtTheMostRecentEventOfAnyKind(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break sieve.s:31\ncontinue\ncatch tlb-store\ncontinue\n");
        String caught = forward.state();
        assertTrue(forward.out.toString().contains("caught tlb-store"), forward.out.toString());

        Session back = new Session(engine);
        back.run("break sieve.s:31\ncontinue\ncatch tlb-store\ncontinue\ncontinue\n");
        String t = back.run("reverse-continue\n");
        assertTrue(t.contains("caught tlb-store at epc") && t.contains("(reached backwards)"), t);
        assertEquals(caught, back.state(), "the first catch, not the breakpoint before it");
        t = back.run("reverse-continue\n");
        assertTrue(t.contains("breakpoint 1 at ") && t.contains("sieve.s:31) (reached backwards)"), t);
        t = back.run("continue\n");
        assertTrue(t.contains("caught tlb-store"), t);
        assertEquals(caught, back.state(), "continuing from the breakpoint catches the same exception again");
    }

    /** With a budget of a few pages' worth, snapshots are thinned: fewer, further apart, within budget, and still exact. */
    @ParameterizedTest
    @ValueSource(strings = {"jit"})
    void snapshotsStayWithinTheirBudget(String engine) throws Exception {
        long budget = 8L << 20;
        Session s = new Session(engine, budget);
        s.run("continue\n");
        String end = s.state();
        String summary = s.dbg.snapshotSummary();
        assertTrue(summary.contains("(limit 8 MiB)"), summary);
        double held = Double.parseDouble(summary.replaceAll(".*holding ([0-9.]+) MiB.*", "$1"));
        assertTrue(held <= 8.0, summary);
        assertNotEquals("1,048,576", summary.replaceAll(".*every ([0-9,]+) instructions.*", "$1"), "thinned: " + summary);
        s.run("reverse-step 7000000\ncontinue\n");
        assertEquals(end, s.state());
    }

    /** Ctrl-C during a reverse-continue search leaves the program exactly where the search started. */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void interruptingAReverseContinueRestoresTheStateExactly(String engine) throws Exception {
        Session s = new Session(engine);
        s.run("break main\ncontinue\ncontinue\n");
        String end = s.state();
        Thread ctrlC = new Thread(() -> {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                return;
            }
            s.dbg.interrupt();
        });
        // a breakpoint in the inner loop whose condition never holds: the search stops to test it at
        // every store of the sieve, so it is still running when Ctrl-C arrives (a watchpoint no
        // longer slows it: watched pages are off the fast path only where they are watched)
        s.run("break sieve.s:33 if t3 == 2\n");
        ctrlC.start();
        String t = s.run("reverse-continue\n");
        ctrlC.join();
        assertTrue(t.contains("interrupted; back where reverse-continue started"), t);
        assertEquals(end, s.state());
    }

    /** From the end, reverse-continue finds the last write wherever the snapshots fall around the writes. */
    @ParameterizedTest
    @ValueSource(longs = {1 << 16, 100_003, 1 << 20, 3_000_017})
    void reverseContinueFromTheEndFindsTheLastWriteWhateverTheInterval(long interval) throws Exception {
        Session probe = new Session("jit");
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.reg("s2") + 100; // 100 = 2 * 2 * 5 * 5: written when i is 2 and 5
        Session s = new Session("jit", 1L << 30, interval);
        s.run(String.format("break sieve.s:25\ncontinue\ndelete 1\nwatch 0x%x 1\ncontinue\ncontinue\n", flag));
        assertEquals(5, s.reg("t0"));
        long second = s.dbg.position();
        s.run("continue\n");
        assertTrue(s.dbg.machine().isHalted());
        String t = s.run("reverse-continue\n");
        assertEquals(second, s.dbg.position(), t);
        assertEquals(5, s.reg("t0"), t);
    }

    /**
     * A snapshot taken exactly at a watchpoint's stop (the state after the write): that write
     * belongs to the stretch before the snapshot, and reverse-continue still finds it. The
     * interval is chosen so the one snapshot after the boot's falls there.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aWriteEndingExactlyAtASnapshotIsFound(String engine) throws Exception {
        Session probe = new Session(engine);
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.reg("s2") + 100;
        String watch = String.format("watch 0x%x 1\ncontinue\n", flag);
        probe.run("delete\n" + watch);
        long first = probe.dbg.position();
        String atFirst = probe.state();

        Session s = new Session(engine, 1L << 30, first);
        s.run(watch + "step 100\n");
        assertTrue(s.dbg.snapshotSummary().startsWith("2 snapshots"), s.dbg.snapshotSummary()); // the boot's, and one at the stop
        String t = s.run("reverse-continue\n");
        assertTrue(t.contains("(old 0x0, new 0x1) (reached backwards)"), t);
        assertEquals(first, s.dbg.position());
        assertEquals(atFirst.substring(0, atFirst.indexOf("output")), s.state().substring(0, s.state().indexOf("output")));
    }

    /** Without snapshots (as with a disk), reverse execution re-executes from the boot and finds the same events. */
    @ParameterizedTest
    @ValueSource(strings = {"jit"})
    void withoutSnapshotsReverseContinueReExecutesFromTheBoot(String engine) throws Exception {
        Session probe = new Session(engine);
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.reg("s2") + 100;
        Session s = new Session(engine, 1L << 30, 0);
        assertTrue(s.dbg.snapshotSummary().startsWith("no snapshots"), s.dbg.snapshotSummary());
        s.run(String.format("watch 0x%x 1\ncontinue\ncontinue\ncontinue\n", flag));
        assertTrue(s.dbg.machine().isHalted());
        String t = s.run("reverse-continue\n");
        assertTrue(t.contains("(old 0x1, new 0x1) (reached backwards)"), t);
        assertEquals(5, s.reg("t0"));
        t = s.run("reverse-continue\n");
        assertTrue(t.contains("(old 0x0, new 0x1) (reached backwards)"), t);
        t = s.run("reverse-continue\n");
        assertTrue(t.contains("no earlier breakpoint, watchpoint or caught exception"), t);
    }

    /**
     * With a disk: snapshots image the device (queue, completion times, write-back buffer) and the
     * blocks flushed to its file, so reverse execution restores them instead of booting afresh;
     * the end reached again after going back, the file included, is the end reached forwards,
     * and a caught kernel call found backwards is the state continue reaches, under both engines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void withADiskReverseExecutionRestoresTheDeviceAndItsBlocks(String engine, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path image = dir.resolve("fs.img");
        Cli.Result made = Cli.run("run", "--disk", image.toString(), "--disk-create", "16M", GuestProgramsTest.PROGRAMS.resolve("files.s").toString(),
                "--", "put", "/a", "hello");
        assertEquals(0, made.code(), made.err());
        String[] args = {"put", "/b", "written", "while", "debugged"};
        Session s = new Session(engine, image, dir.resolve("s.img"), args);
        String out = s.run("continue\n");
        assertTrue(out.contains("exited with status 0"), out);
        assertTrue(s.dbg.snapshotSummary().matches("(?s)[0-9]+ snapshots.*"), s.dbg.snapshotSummary());
        assertTrue(s.dbg.machine().disk().flushes() > 0, "the run flushed blocks to the file");
        String end = s.state();
        long last = s.dbg.position();
        long executions = s.dbg.executions();
        s.run("reverse-step " + (last - last / 2) + "\n");
        String middle = s.state();
        assertNotEquals(end, middle);
        s.run("continue\n");
        assertEquals(end, s.state(), "the end reached again, the disk's file included");
        s.run("reverse-step " + (last - last / 2) + "\n");
        assertEquals(middle, s.state(), "the middle reached backwards twice");
        assertEquals(executions + 2, s.dbg.executions(), "restored from snapshots, never booted afresh");

        s.run("continue\ncatch syscall\nreverse-continue\n");
        long calls = s.dbg.machine().trapCounts[exo.emulator.machine.Cause.SYSCALL.code];
        Session forward = new Session(engine, image, dir.resolve("f.img"), args);
        forward.run("catch syscall\n" + "continue\n".repeat((int) calls + 1));
        assertEquals(forward.dbg.position(), s.dbg.position());
        assertEquals(beforeOutput(forward.state()), beforeOutput(s.state()));
    }

    /**
     * A change the user makes is made again whenever re-execution crosses it: N set to 500,000
     * at line 25 is still 500,000 after going back before the change and on to the end, which
     * is then the end reached the first time, bit for bit; a state between is reached backwards
     * alike twice; the output is printed once. Under both engines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aUserChangeIsMadeAgainWhenReExecutionCrossesIt(String engine) throws Exception {
        Session s = new Session(engine);
        s.run("break sieve.s:25\ncontinue\ndelete\nset s1 = 500000\n");
        long changed = s.dbg.position();
        String out = s.run("continue\n");
        assertTrue(out.contains("exited with status 0"), out);
        assertEquals("primes<=500000: 41538\n", s.guest.toString());
        String end = s.state();
        long last = s.dbg.position();
        long mid = (changed + last) / 2;
        s.run("reverse-step " + (last - mid) + "\n");
        String middle = s.state();
        assertEquals(500000, s.reg("s1"));
        s.run("reverse-step " + (mid - changed + 3) + "\n");
        assertEquals(1000000, s.reg("s1"), "before the change");
        s.run("continue\n");
        assertEquals(end, s.state(), "the end reached again through the change");
        s.run("reverse-step " + (last - mid) + "\n");
        assertEquals(middle, s.state());
        s.run("reverse-step " + (mid - changed) + "\n");
        assertEquals(changed, s.dbg.position());
        assertEquals(500000, s.reg("s1"), "the state at the change is the state after it");
        String t = s.run("break sieve.s:31\nreverse-continue\n");
        assertTrue(t.contains("no earlier breakpoint"), t);
        s.run("delete\ncatch syscall\ncontinue\n");
        s.run("reverse-step 1\ncontinue\ncontinue\n");
        assertEquals("primes<=500000: 41538\n", s.guest.toString(), "printed once");
    }

    /**
     * A change made at a caught exception, before the kernel sees it (the console write's length
     * cut to 6), is made again at that trap when re-execution reaches it: continuing from before
     * it stops at the same catch with the change made, and the end is the end reached first.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aChangeAtACaughtExceptionIsMadeAgainAtThatTrap(String engine) throws Exception {
        Session s = new Session(engine);
        String t = s.run("break sieve.s:49\ncontinue\ndelete\ncatch syscall\ncontinue\n");
        assertTrue(t.contains("caught syscall") && t.contains("cons_flush"), t);
        assertEquals(23, s.reg("a1"));
        s.run("set a1 = 6\n");
        String caught = s.state();
        s.run("continue\ncontinue\n");
        assertTrue(s.dbg.machine().isHalted());
        assertEquals("primes", s.guest.toString());
        String end = s.state();
        s.run("reverse-step 40\n");
        t = s.run("continue\n");
        assertTrue(t.contains("caught syscall") && t.contains("cons_flush"), t);
        assertEquals(beforeOutput(caught), beforeOutput(s.state()), "the catch reached again, the change made");
        s.run("continue\ncontinue\n");
        assertEquals(end, s.state());
        assertEquals("primes", s.guest.toString(), "printed once");
    }

    /**
     * Caught exceptions are counted at the trap site; the count captures the target after them a
     * piece apart, so the stop is approached from at most about a piece before it, and that
     * capture is kept as a snapshot: the next reverse-continue counts from it. The stops are
     * the ones reached with another snapshot interval (other snapshots, pieces and captures).
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void caughtExceptionsAreApproachedFromACaptureThatTheNextSearchStartsFrom(String engine) throws Exception {
        String commands = "break sieve.s:38\ncontinue\ndelete\ncatch tlb-store\n";
        Session s = new Session(engine);
        s.run(commands);
        String t = s.run("reverse-continue\n");
        assertTrue(t.contains("caught tlb-store") && t.contains("(reached backwards)"), t);
        assertTrue(s.dbg.instructionsApproached() <= 2 * (INTERVAL / 8) + (1 << 17), s.dbg.snapshotSummary());
        String first = s.state();
        s.run("reverse-continue\n");
        assertTrue(s.dbg.instructionsCounted() <= s.dbg.instructionsApproached() + INTERVAL / 4, s.dbg.snapshotSummary());
        String second = s.state();

        Session other = new Session(engine, 1L << 30, 3_000_017);
        other.run(commands + "reverse-continue\n");
        assertEquals(first, other.state());
        other.run("reverse-continue\n");
        assertEquals(second, other.state());
    }

    /** The state as far as a stop can be compared with one reached forwards after the program printed its result. */
    private static String beforeOutput(String state) {
        return state.substring(0, state.indexOf("output"));
    }

    /**
     * b main; rc from the end: the only hit is at the start, and under the JIT every stretch after
     * the first is skipped by its footprint (main's first word runs in no later region or block)
     * instead of re-executed. Under the interpreter, which records pages and not words, the
     * search re-executes them and reaches the same state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void reverseContinueToTheStartReExecutesOnlyTheFirstStretch(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break main\ncontinue\n");
        String atMain = forward.state();

        Session back = new Session(engine);
        back.run("continue\n");
        assertTrue(back.dbg.machine().isHalted());
        String t = back.run("break main\nreverse-continue\n");
        assertTrue(t.contains("breakpoint 1 at 0x") && t.contains("<main> (") && t.contains("sieve.s:11) (reached backwards)"), t);
        assertEquals(beforeOutput(atMain), beforeOutput(back.state()));
        int stretches = back.dbg.stretchesSearched() + back.dbg.stretchesSkipped();
        assertTrue(stretches >= 10, "the run spans many stretches: " + stretches);
        if (engine.equals("jit")) {
            assertEquals(1, back.dbg.stretchesSearched(), "only the stretch holding the hit is re-executed");
            assertTrue(back.dbg.snapshotSummary().contains("re-executed 1 stretch and skipped " + (stretches - 1) + " that could hold no event"),
                    back.dbg.snapshotSummary());
            // main is entered once, at the start: the first stretch is counted only to the end of its first piece
            assertTrue(back.dbg.instructionsCounted() <= INTERVAL / 8 + (1 << 16), back.dbg.snapshotSummary());
        }
    }

    /**
     * A conditional breakpoint set after the run, true only for i = 5: every stretch that runs
     * line 31 is re-executed, each hit's condition evaluated, and 'info snapshots' says how many
     * did not hold; the stop is the forward one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aConditionalBreakpointCountsTheHitsWhoseConditionFailed(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break sieve.s:31 if t0 == 5\ncontinue\n");
        String atFive = forward.state();

        Session back = new Session(engine);
        back.run("continue\n");
        String t = back.run("break sieve.s:31 if t0 == 5\nreverse-continue\n");
        assertTrue(t.contains("breakpoint 1 at 0x") && t.contains("(reached backwards)"), t);
        assertEquals(5, back.reg("t0"));
        assertEquals(beforeOutput(atFive), beforeOutput(back.state()));
        // the primes after 5 up to 997 (165 of them) are hits counted from the end; 2 and 3 may be too
        assertTrue(back.dbg.conditionsFalse() >= 165 && back.dbg.conditionsFalse() <= 167, back.dbg.snapshotSummary());
        assertTrue(back.dbg.snapshotSummary().contains(back.dbg.conditionsFalse() + " breakpoint hits counted had a condition that did not hold"),
                back.dbg.snapshotSummary());
        back.run("delete\nbreak main\nreverse-continue\n");
        assertEquals(0, back.dbg.conditionsFalse(), back.dbg.snapshotSummary());
        assertFalse(back.dbg.snapshotSummary().contains("condition"), back.dbg.snapshotSummary());
    }

    /**
     * A breakpoint set after the run, on a word inside the outer loop's translated region (entered
     * at the loop head, never at the breakpoint): the stretches holding its hits must not be
     * skipped; the later ones, which only count the primes, are. The stop is the forward one:
     * the 168th prime, 997.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aBreakpointInsideARegionEnteredElsewhereIsFound(String engine) throws Exception {
        Session forward = new Session(engine);
        forward.run("break sieve.s:31\n" + "continue\n".repeat(168));
        assertEquals(997, forward.reg("t0"));
        String last = forward.state();

        Session back = new Session(engine);
        back.run("continue\nbreak sieve.s:31\n");
        String t = back.run("reverse-continue\n");
        assertTrue(t.contains("breakpoint 1 at ") && t.contains("(reached backwards)"), t);
        assertEquals(997, back.reg("t0"));
        assertEquals(beforeOutput(last), beforeOutput(back.state()));
        if (engine.equals("jit")) assertTrue(back.dbg.stretchesSkipped() >= 3, back.dbg.snapshotSummary());
    }

    /**
     * A watchpoint set after the run on flags[60], which only the passes for i = 2, 3 and 5 write:
     * reverse-continue from the end skips the stretches that store to no page of it and stops at
     * the write by i = 5, as continue with the watchpoint would have.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aWatchedByteWrittenOnlyEarlyIsFoundWithoutReExecutingTheRest(String engine) throws Exception {
        Session probe = new Session(engine);
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.reg("s2") + 60;
        Session forward = new Session(engine);
        forward.run(String.format("watch 0x%x 1\ncontinue\ncontinue\ncontinue\n", flag));
        assertEquals(5, forward.reg("t0"));
        String third = forward.state();

        Session back = new Session(engine);
        back.run("continue\n");
        String t = back.run(String.format("watch 0x%x 1\nreverse-continue\n", flag));
        assertTrue(t.contains("watchpoint 1: write of 1 byte at 0x" + Integer.toHexString(flag)) && t.contains("(reached backwards)"), t);
        assertEquals(5, back.reg("t0"));
        assertEquals(beforeOutput(third), beforeOutput(back.state()));
        assertTrue(back.dbg.stretchesSkipped() >= 3, "the counting stretches only load: " + back.dbg.snapshotSummary());
    }

    /**
     * "Who wrote this?" without re-executing whole stretches: flags[60]'s page is stored to at the
     * start of every pass for i up to 61, and it is written only by i = 2, 3 and 5. A stretch is
     * re-executed only to the end of its last piece (an eighth of the interval) that stores to the
     * page, and the stop is approached from a state the count captured just before it, not from
     * the stretch's snapshot; the state reached is the one continue reaches, under both engines.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aWatchedByteIsCountedOnlyWhereItsPageIsStoredAndApproachedFromACapture(String engine) throws Exception {
        Session probe = new Session(engine);
        probe.run("break sieve.s:25\ncontinue\n");
        int flag = probe.reg("s2") + 60;
        Session forward = new Session(engine);
        forward.run(String.format("watch 0x%x 1\ncontinue\ncontinue\ncontinue\n", flag));
        String third = forward.state();

        Session back = new Session(engine);
        back.run("continue\n");
        back.run(String.format("watch 0x%x 1\nreverse-continue\n", flag));
        assertEquals(beforeOutput(third), beforeOutput(back.state()));
        long searched = back.dbg.stretchesSearched();
        // Each stretch spans at least the interval: counting them whole would re-execute searched * INTERVAL.
        assertTrue(searched >= 2 && back.dbg.instructionsCounted() < searched * INTERVAL - INTERVAL / 4, back.dbg.snapshotSummary());
        assertTrue(back.dbg.instructionsApproached() <= INTERVAL / 8, back.dbg.snapshotSummary());
    }

    /**
     * A catchpoint whose cause happens only early and at the very end: kernel calls map the
     * sieve's pages as its first pass touches them, and none come again until it prints. From
     * the counting loop, reverse-continue skips the stretches between and stops at the last
     * early kernel call, the state continue reaches at that catch.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jit", "interp"})
    void aCatchpointWhoseCauseHappensOnlyEarlyIsFound(String engine) throws Exception {
        Session back = new Session(engine);
        back.run("break sieve.s:38\ncontinue\ndelete\n");
        String t = back.run("catch syscall\nreverse-continue\n");
        assertTrue(t.contains("caught syscall at epc") && t.contains("(reached backwards)"), t);
        assertTrue(back.dbg.stretchesSkipped() >= 2, back.dbg.snapshotSummary());
        long calls = back.dbg.machine().trapCounts[exo.emulator.machine.Cause.SYSCALL.code];

        Session forward = new Session(engine);
        forward.run("catch syscall\n" + "continue\n".repeat((int) calls + 1));
        assertEquals(forward.dbg.position(), back.dbg.position());
        assertEquals(forward.state(), back.state());
    }
}
