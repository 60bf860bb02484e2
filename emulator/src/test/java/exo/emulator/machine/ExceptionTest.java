package exo.emulator.machine;

import static exo.emulator.TestMachine.CODE;
import static exo.emulator.TestMachine.DATA;
import static exo.emulator.TestMachine.RA;
import static exo.emulator.TestMachine.T0;
import static exo.emulator.TestMachine.T1;
import static exo.emulator.TestMachine.T2;
import static exo.emulator.TestMachine.brk;
import static exo.emulator.TestMachine.nop;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.isa.Format;
import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.jit.Jit;
import exo.emulator.jit.JitOptions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every exception cause: exact EPC, CAUSE and BADVADDR, and proof that the faulting instruction
 * left no architectural effect. Each row runs its program up to the faulting instruction,
 * snapshots registers, PC, counters and all of memory, lets it fault, and compares.
 */
class ExceptionTest {
    /** BADVADDR before the fault: causes without an address must leave it alone. */
    static final int SENTINEL = 0x5EED0000;
    /** Virtual page mapped read-only, and one mapped to a physical page that does not exist. */
    static final int READ_ONLY = DATA, NO_MEMORY = 0x30000, NOT_EXECUTABLE = 0x20000;
    /** Past installed memory and the stand-in kernel's identity map. */
    static final int UNMAPPED = 0x100000;

    /**
     * One case: the program, how many instructions retire before the fault, and the trap the
     * kernel must see. {@code faulting} is the instruction whose row in the ISA table must list
     * the cause (null for fetch faults, which belong to every instruction).
     */
    record Row(String name, Consumer<TestMachine> setup, int[] program, int retired, Cause cause, int epc, int badVaddr,
            Opcode faulting) {
        @Override
        public String toString() {
            return name;
        }
    }

    static void mapSpecialPages(TestMachine t) {
        Tlb tlb = t.machine.tlb;
        tlb.write(60, READ_ONLY >>> 12, 0, READ_ONLY >>> 12, Tlb.VALID);
        tlb.write(61, NO_MEMORY >>> 12, 0, 0x1000, Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE);
        tlb.write(62, NOT_EXECUTABLE >>> 12, 0, NOT_EXECUTABLE >>> 12, Tlb.VALID | Tlb.WRITABLE);
        tlb.write(59, CODE >>> 12, 0, CODE >>> 12, Tlb.VALID | Tlb.EXECUTABLE);
    }

    /** A memory access faulting with cause at va: [nop, access with a negative offset, break]. */
    static Row memoryRow(Opcode op, Cause cause) {
        int va;
        switch (cause) {
            case ADDR_LOAD: case ADDR_STORE: va = DATA + 0x101; break;
            case TLB_MISS_LOAD: case TLB_MISS_STORE: va = UNMAPPED + 4; break;
            case PROT_STORE: va = READ_ONLY + 4; break;
            case BUS_ERROR: va = NO_MEMORY + 4; break;
            default: throw new IllegalArgumentException(cause.toString());
        }
        int base = va + 8;
        return new Row(op.mnemonic + " " + cause.shortName, t -> t.set(T0, base).set(T1, 0x11223344),
                new int[] {nop(), op.encode(T1, -8, T0), brk()}, 1, cause, CODE + 4, va, op);
    }

    /** A computational instruction trapping on x op y: [nop, nop, op t2, t0, t1/imm, break]. */
    static Row aluRow(Opcode op, int x, int y, Cause cause) {
        int w = op.format == Format.R ? op.encode(T2, T0, T1) : op.encode(T2, T0, y);
        return new Row(op.mnemonic + " " + x + ", " + y, t -> t.set(T0, x).set(T1, y),
                new int[] {nop(), nop(), w, brk()}, 2, cause, CODE + 8, SENTINEL, op);
    }

    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Opcode op : Opcode.values()) {
            if (op.format != Format.LD && op.format != Format.ST) continue;
            for (Cause c : op.raises) rows.add(memoryRow(op, c));
        }
        int min = Integer.MIN_VALUE, max = Integer.MAX_VALUE;
        rows.add(aluRow(Opcode.ADDO, max, 1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.ADDO, min, -1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.ADDO, min, min, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.SUBO, min, 1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.SUBO, 0, min, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.SUBO, max, -1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.ADDIO, min, -1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.ADDIO, max, 1, Cause.OVERFLOW));
        rows.add(aluRow(Opcode.ADDIO, max - 32766, 32767, Cause.OVERFLOW));
        for (Opcode op : new Opcode[] {Opcode.DIV, Opcode.DIVU, Opcode.REM, Opcode.REMU}) {
            rows.add(aluRow(op, 7, 0, Cause.DIV_ZERO));
            rows.add(aluRow(op, min, 0, Cause.DIV_ZERO));
        }
        rows.add(new Row("syscall", t -> {}, new int[] {nop(), nop(), Opcode.SYSCALL.encode(0), brk()}, 2, Cause.SYSCALL,
                CODE + 8, SENTINEL, Opcode.SYSCALL));
        rows.add(new Row("break 5", t -> {}, new int[] {nop(), Opcode.BREAK.encode(5), brk()}, 1, Cause.BREAK,
                CODE + 4, SENTINEL, Opcode.BREAK));
        rows.add(new Row("illegal opcode", t -> {}, new int[] {nop(), 0xFC000000, brk()}, 1, Cause.ILLEGAL,
                CODE + 4, SENTINEL, null));
        rows.add(new Row("illegal reserved bits", t -> {}, new int[] {Opcode.ADD.encode(T2, T0, T1) | 1 << 6, brk()}, 0,
                Cause.ILLEGAL, CODE, SENTINEL, null));
        // Fetch faults: the jump retires (its link is written), then the fetch at the target faults.
        rows.add(fetchRow("fetch tlb miss", UNMAPPED + 0x40, Cause.TLB_MISS_FETCH));
        rows.add(fetchRow("fetch not executable", NOT_EXECUTABLE + 8, Cause.PROT_FETCH));
        rows.add(fetchRow("fetch bus error", NO_MEMORY + 12, Cause.BUS_ERROR));
        rows.add(fetchRow("fetch misaligned", CODE + 0x102, Cause.ADDR_FETCH));
        rows.add(fetchRow("fetch misaligned beats tlb miss", UNMAPPED + 2, Cause.ADDR_FETCH));
        // Starting (not jumping) at a misaligned address in a mapped page.
        rows.add(new Row("fetch misaligned at entry", t -> {
            t.machine.tlb.write(58, 0, 0, 0, Tlb.VALID | Tlb.EXECUTABLE);
            t.machine.cpu.pc = 1;
        }, new int[0], 0, Cause.ADDR_FETCH, 1, 1, null));
        rows.add(new Row("load misaligned beats tlb miss", t -> t.set(T0, UNMAPPED + 2), new int[] {Opcode.LW.encode(T1, 0, T0)},
                0, Cause.ADDR_LOAD, CODE, UNMAPPED + 2, Opcode.LW));
        rows.add(new Row("store misaligned beats protection", t -> t.set(T0, READ_ONLY + 2),
                new int[] {Opcode.SW.encode(T1, 0, T0)}, 0, Cause.ADDR_STORE, CODE, READ_ONLY + 2, Opcode.SW));
        // A straight line of nops to the last word of memory, then the unmapped page after it.
        rows.add(new Row("falling off the end of a page", t -> {
            t.machine.tlb.write(63, 0xFF, 0, 0xFF, Tlb.VALID | Tlb.EXECUTABLE);
            for (int a = 0xFF000; a < 0x100000; a += 4) t.machine.memory.writeWord(a, nop());
            t.machine.cpu.pc = 0xFF000;
        }, new int[0], 1024, Cause.TLB_MISS_FETCH, UNMAPPED, UNMAPPED, null));
        return rows;
    }

    static Row fetchRow(String name, int target, Cause cause) {
        return new Row(name, t -> t.set(T0, target), new int[] {nop(), Opcode.JALR.encode(RA, 0, T0), brk()}, 2, cause,
                target, target, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void faultIsPreciseAndHasNoEffect(Row row) {
        check(row, new Interpreter());
    }

    /** The same under the JIT, translating code the first time it runs. */
    @ParameterizedTest(name = "jit: {0}")
    @MethodSource("rows")
    void faultIsPreciseUnderTheJit(Row row) {
        check(row, new Jit(JitOptions.DEFAULT.withThreshold(1)));
    }

    private static void check(Row row, Engine engine) {
        TestMachine t = new TestMachine(engine);
        for (int r = 1; r < 32; r++) t.set(r, 0x10000000 + r * 0x111);
        mapSpecialPages(t);
        row.setup().accept(t);
        t.load(row.program());
        t.machine.memory.writeWord(READ_ONLY + 4, 0xCAFEF00D);
        t.run(row.retired());
        t.machine.cpu.badVaddr = SENTINEL;
        assertTrue(t.traps.isEmpty(), () -> "trapped before the faulting instruction: " + t.traps);
        TestMachine.State before = t.state();

        t.run();

        assertEquals(new TestMachine.Trap(row.cause(), row.epc(), row.badVaddr()), t.onlyTrap());
        assertEquals(row.cause().code, t.machine.cpu.cause);
        assertEquals(row.epc(), t.machine.cpu.pc, "PC left at EPC for the kernel");
        assertEquals(1, t.machine.trapCounts[row.cause().code]);
        assertEquals(before, t.state(), "registers, PC, counters and memory are as before the faulting instruction");
    }

    /** Every exception an instruction row declares is produced by some row here, and no other. */
    @Test
    void rowsCoverTheTableAndAgreeWithIt() {
        Set<String> produced = new HashSet<>();
        Set<Cause> causes = EnumSet.noneOf(Cause.class);
        for (Row row : rows()) {
            causes.add(row.cause());
            if (row.faulting() == null) continue;
            assertTrue(row.faulting().raises.contains(row.cause()), row + ": the table does not list " + row.cause());
            produced.add(row.faulting() + "/" + row.cause());
        }
        for (Opcode op : Opcode.values()) {
            for (Cause c : op.raises) assertTrue(produced.contains(op + "/" + c), "no test raises " + c + " from " + op);
        }
        for (Cause c : Cause.values()) {
            assertTrue(c == Cause.TIMER || c == Cause.DISK || causes.contains(c), "no row for " + c + " (the timer has TimerTest, the disk DiskTest)");
        }
    }

    @Test
    void causeCodesAreStableAndDistinct() {
        Set<Integer> codes = new HashSet<>();
        for (Cause c : Cause.values()) {
            assertTrue(c.code > 0 && c.code < Cause.CODES);
            assertTrue(codes.add(c.code));
            assertEquals(c, Cause.ofCode(c.code));
            assertEquals(c, Cause.ofName(c.shortName));
        }
        assertEquals(null, Cause.ofCode(0));
        assertEquals(null, Cause.ofCode(Cause.CODES));
        assertEquals(null, Cause.ofCode(-1));
    }

    @Test
    void handlerResumingPastASyscallContinues() {
        TestMachine t = new TestMachine();
        t.resume = true;
        t.load(Opcode.SYSCALL.encode(0), Opcode.ADDI.encode(T0, T0, 1), Opcode.SYSCALL.encode(0), Opcode.ADDI.encode(T0, T0, 1));
        t.run(2);
        assertEquals(2, t.reg(T0));
        // BADVADDR still holds the address of the last address fault: the first fetch's TLB miss.
        assertEquals(List.of(new TestMachine.Trap(Cause.SYSCALL, CODE, CODE), new TestMachine.Trap(Cause.SYSCALL, CODE + 8, CODE)),
                t.traps);
        assertEquals(2, t.machine.cpu.instret, "syscalls do not retire");
    }

    @Test
    void observerStopsBeforeTheKernelSeesTheTrap() {
        TestMachine t = new TestMachine();
        List<Cause> seen = new ArrayList<>();
        t.machine.setTrapObserver((m, c, epc, bad) -> {
            seen.add(c);
            return c == Cause.BREAK;
        });
        t.load(nop(), brk());
        assertEquals(StopReason.STOPPED, t.machine.run(100));
        assertTrue(t.traps.isEmpty(), "the kernel did not see the break");
        assertEquals(CODE + 4, t.machine.cpu.pc);
        assertEquals(Cause.BREAK.code, t.machine.cpu.cause);
        assertEquals(List.of(Cause.TLB_MISS_FETCH, Cause.BREAK), seen);
        t.machine.setTrapObserver(null);
        t.run();
        assertEquals(new TestMachine.Trap(Cause.BREAK, CODE + 4, CODE), t.onlyTrap());
    }
}
