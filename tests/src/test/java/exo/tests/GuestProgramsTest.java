package exo.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import exo.cli.Launch;
import exo.cli.SystemOptions;
import exo.emulator.machine.Console;
import exo.emulator.machine.Cpu;
import exo.emulator.machine.Disk;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import exo.kernel.disk.BlockOwners;
import exo.os.RunResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Every program in guest-programs/src runs under {@code exo run} with the library OS and must
 * print exactly what its header says, on both engines, with identical cycle counts. Header
 * lines: {@code # args: A B} (the test's arguments: small sizes; the defaults are for
 * benchmarks), {@code # input: LINE} (console input), {@code # expect: LINE} (one output line;
 * {@code {n}} stands for a number that depends on timing), {@code # status: N} (exit status,
 * default 0), {@code # runtime: LIST} (the runtime list under guest-runtime/, default
 * runtime.list), {@code # disk: SIZE} (each run gets a fresh disk image of SIZE, as
 * {@code --disk-create SIZE} makes it), {@code # with: B.s C.s} (programs of guest-programs/src booted
after it, each its own environment, as {@code exo run A.s B.s C.s} boots them: the expected
lines are then the run's, with their {@code [name]} prefixes, and the status the first's).
Every program also runs with the other page-table
 * implementation, chosen at link time (runtime.list and runtime-linear.list, runtime-lfs.list
 * and runtime-lfs-linear.list), and must print the same. In-process, each program must also end in the same
 * machine state on both engines: registers, control registers, counters, TLB, all of memory.
 */
class GuestProgramsTest {
    static final Path PROGRAMS = Path.of("..", "guest-programs", "src").toAbsolutePath().normalize();
    static final String TWO_LEVEL = "runtime.list", LINEAR = "runtime-linear.list";

    /** A program and what its header asks for. */
    record Program(Path file, List<String> args, String input, List<String> expect, int status, String runtime, String disk, List<Path> with) {
        String name() {
            return file.getFileName().toString();
        }

        static Program parse(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> args = new ArrayList<>(), expect = new ArrayList<>();
            List<Path> with = new ArrayList<>();
            StringBuilder input = new StringBuilder();
            int status = 0;
            String runtime = TWO_LEVEL, disk = null;
            for (String l : lines) {
                if (l.startsWith("# args:")) args.addAll(Arrays.asList(l.substring(7).trim().split("\\s+")));
                else if (l.startsWith("# input:")) input.append(l.substring(8).trim()).append('\n');
                else if (l.startsWith("# expect:")) expect.add(l.substring(9).trim());
                else if (l.startsWith("# status:")) status = Integer.parseInt(l.substring(9).trim());
                else if (l.startsWith("# runtime:")) runtime = l.substring(10).trim();
                else if (l.startsWith("# disk:")) disk = l.substring(7).trim();
                else if (l.startsWith("# with:")) for (String w : l.substring(7).trim().split("\\s+")) with.add(file.resolveSibling(w));
            }
            return new Program(file, args, input.toString(), expect, status, runtime, disk, with);
        }

        /** The program, then those booted after it. */
        List<Path> files() {
            List<Path> all = new ArrayList<>(List.of(file));
            all.addAll(with);
            return all;
        }

        /** The options that give a run its fresh disk, if the program asks for one. */
        List<String> diskOptions() {
            if (disk == null) return List.of();
            try {
                Path dir = Files.createTempDirectory("exo-disk");
                dir.toFile().deleteOnExit();
                Path image = dir.resolve(name() + ".img");
                image.toFile().deleteOnExit();
                return List.of("--disk", image.toString(), "--disk-create", disk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Cli.Result run(String engine, String runtimeList) {
            List<String> cmd = new ArrayList<>(List.of("run", "--stats", "--engine", engine, "--runtime", runtimeList));
            cmd.addAll(diskOptions());
            for (Path f : files()) cmd.add(f.toString());
            if (!args.isEmpty()) {
                cmd.add("--");
                cmd.addAll(args);
            }
            return Cli.withInput(input, cmd.toArray(new String[0]));
        }

        void check(Cli.Result r, String how) {
            assertEquals(status, r.code(), name() + " (" + how + ") exit status; stderr:\n" + r.err());
            List<String> got = r.out().isEmpty() ? List.of() : List.of(r.out().split("\n", -1));
            String shown = name() + " (" + how + ") printed:\n" + r.out();
            assertTrue(r.out().endsWith("\n") || r.out().isEmpty(), shown);
            assertEquals(expect.size(), got.size() - 1, shown);
            if (!with().isEmpty()) {
                // Several programs: each one's lines (tagged [name]) in their order; how the
                // programs' lines interleave is the scheduler's, and differs with the page table.
                java.util.Map<String, List<String>> want = byProgram(expect), have = byProgram(got.subList(0, expect.size()));
                assertEquals(want.keySet(), have.keySet(), shown);
                want.forEach((tag, w) -> {
                    List<String> h = have.get(tag);
                    assertEquals(w.size(), h.size(), tag + " lines\n" + shown);
                    for (int i = 0; i < w.size(); i++) {
                        assertTrue(matches(w.get(i), h.get(i)), tag + " line " + (i + 1) + ": expected '" + w.get(i) + "', got '" + h.get(i) + "'\n" + shown);
                    }
                });
                return;
            }
            for (int i = 0; i < expect.size(); i++) {
                assertTrue(matches(expect.get(i), got.get(i)), "line " + (i + 1) + ": expected '" + expect.get(i) + "', got '" + got.get(i) + "'\n" + shown);
            }
        }

        /** Lines grouped by the [name] tag each program's output carries, in their order. */
        private static java.util.Map<String, List<String>> byProgram(List<String> lines) {
            java.util.Map<String, List<String>> m = new java.util.TreeMap<>();
            for (String l : lines) {
                String tag = l.startsWith("[") && l.indexOf("] ") > 0 ? l.substring(0, l.indexOf("] ") + 1) : "";
                m.computeIfAbsent(tag, k -> new ArrayList<>()).add(l);
            }
            return m;
        }
    }

    /** Whether an output line matches an expected one, {n} matching any integer. */
    static boolean matches(String expected, String line) {
        String[] parts = expected.split("\\{n\\}", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) re.append("-?\\d+");
            re.append(Pattern.quote(parts[i]));
        }
        return line.matches(re.toString());
    }

    static List<Program> programs() {
        try (Stream<Path> s = Files.list(PROGRAMS)) {
            return s.filter(p -> p.toString().endsWith(".s")).sorted().map(Program::parse).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cyclesLine(Cli.Result r) {
        for (String l : r.err().split("\n")) if (l.strip().startsWith("cycles")) return l.strip();
        throw new AssertionError("no cycles line in --stats output:\n" + r.err());
    }

    @TestFactory
    Stream<DynamicTest> everyProgramPrintsWhatItsHeaderSaysOnBothEngines() {
        return programs().stream().map(p -> dynamicTest(p.name(), () -> {
            Cli.Result interp = p.run("interp", p.runtime());
            p.check(interp, "interpreter");
            Cli.Result jit = p.run("jit", p.runtime());
            p.check(jit, "JIT");
            assertEquals(interp.out(), jit.out(), p.name() + ": the engines disagree");
            assertEquals(cyclesLine(interp), cyclesLine(jit), p.name() + ": the engines disagree on cycles");
        }));
    }

    /**
     * The whole machine after a program ran to completion under one engine, in-process: what
     * the differential tests of the emulator compare, on real programs with the real kernel.
     */
    record FinalState(String console, RunResult.Reason reason, List<Integer> statuses, long instructions, long cycles,
            long kernelCycles, List<Integer> registers, List<Long> control, List<String> tlb, byte[] memory) {
        static FinalState of(Program p, String engine) throws Exception {
            SystemOptions o = new SystemOptions();
            new CommandLine(o).parseArgs("--engine", engine, "--runtime", p.runtime());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Console console = new Console(out, new ByteArrayInputStream(p.input().getBytes(StandardCharsets.UTF_8)));
            Disk disk = null;
            if (p.disk() != null) {
                disk = Disk.create(Path.of(p.diskOptions().get(1)), imageBytes(p.disk()));
                BlockOwners.format(disk, 42); // as exo run --disk-create does with the default --seed
            }
            Launch.Booted b = Launch.boot(Launch.build(p.files(), o), p.args(), o, console, null, disk, exo.os.KernelOptions.DEFAULT_BLOCKS_PER_ENV);
            RunResult r = b.os().run(100_000_000_000L);
            if (disk != null) disk.close();
            console.flush();
            Machine m = b.machine();
            Cpu c = m.cpu;
            List<String> tlb = new ArrayList<>();
            for (int s = 0; s < Tlb.SIZE; s++) {
                tlb.add(m.tlb.isValid(s) ? m.tlb.vpn(s) + "/" + m.tlb.asid(s) + "->" + m.tlb.pfn(s) + ":" + m.tlb.flags(s) : "-:" + m.tlb.flags(s));
            }
            return new FinalState(out.toString(StandardCharsets.UTF_8), r.reason(),
                    r.programs().stream().map(RunResult.Program::exitStatus).toList(), r.instructions(), r.cycles(), r.kernelCycles(),
                    Arrays.stream(c.regs).boxed().toList(),
                    List.of((long) c.pc, (long) c.epc, (long) c.cause, (long) c.badVaddr, c.timerCompare, c.instret, (long) m.mmu.asid()),
                    tlb, m.memory.toArray());
        }

        void assertSame(FinalState jit, String name) {
            assertEquals(console, jit.console, name + ": console output");
            assertEquals(reason, jit.reason, name + ": why the run ended");
            assertEquals(statuses, jit.statuses, name + ": exit statuses");
            assertEquals(instructions, jit.instructions, name + ": instructions");
            assertEquals(cycles, jit.cycles, name + ": cycles");
            assertEquals(kernelCycles, jit.kernelCycles, name + ": kernel cycles");
            assertEquals(registers, jit.registers, name + ": registers");
            assertEquals(control, jit.control, name + ": pc, epc, cause, badvaddr, timer, instret, asid");
            assertEquals(tlb, jit.tlb, name + ": TLB slots");
            int at = Arrays.mismatch(memory, jit.memory);
            assertEquals(-1, at, name + ": physical memory differs first at 0x" + Integer.toHexString(at));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyProgramEndsInTheSameMachineStateOnBothEngines() {
        return programs().stream().map(p -> dynamicTest(p.name(), () -> {
            FinalState interp = FinalState.of(p, "interp");
            assertEquals(1 + p.with().size(), interp.statuses.size(), p.name() + " programs booted");
            assertEquals(p.status(), interp.statuses.get(0), p.name() + " exit status");
            assertTrue(interp.instructions > 500 && !interp.console.isEmpty(), p.name() + " ran: " + interp.instructions);
            interp.assertSame(FinalState.of(p, "jit"), p.name());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyProgramRunsAlikeWithTheOtherPageTable() {
        return programs().stream().map(p -> dynamicTest(p.name(), () -> {
            String other = otherPageTable(p.runtime());
            p.check(p.run("interp", other), other);
        }));
    }

    /** The bytes of an image size as {@code --disk-create} takes it: 64K, 16M, 1G. */
    static long imageBytes(String size) {
        long unit = switch (size.charAt(size.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? size : size.substring(0, size.length() - 1)) * unit;
    }

    /** The runtime list that differs from list only in its page table. */
    static String otherPageTable(String list) {
        return list.contains("-linear") ? list.replace("-linear", "") : list.replace(".list", "-linear.list");
    }

    @Test
    void everyProgramStatesItsExpectedOutput() {
        List<Program> all = programs();
        assertTrue(all.size() >= 11, "programs found: " + all);
        for (Program p : all) assertTrue(!p.expect().isEmpty(), p.name() + " has no '# expect:' line");
    }

    @Test
    void theExpectationsOfTheBenchmarkProgramsAreTheIssuesExactly() throws IOException {
        assertTrue(Files.readString(PROGRAMS.resolve("sieve.s")).contains("# default-expect: primes<=10000000: 664579"));
        assertTrue(Files.readString(PROGRAMS.resolve("crc32.s")).contains("# default-expect: crc32=e638eb83"));
        assertTrue(Files.readString(PROGRAMS.resolve("matmul.s")).contains("# default-expect: matmul checksum=4294966671 C[17][42]=-89"));
    }

    @Test
    void placeholdersMatchNumbersOnly() {
        assertTrue(matches("cycles per round trip: {n}", "cycles per round trip: 162"));
        assertTrue(!matches("cycles per round trip: {n}", "cycles per round trip: many"));
        assertTrue(matches("a (b) [c]", "a (b) [c]"));
    }
}
