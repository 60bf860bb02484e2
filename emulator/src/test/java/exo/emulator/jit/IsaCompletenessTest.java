package exo.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.TestMachine;
import exo.emulator.isa.Family;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Tlb;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ISA table is complete: every row carries the attributes its family needs, and every row
 * runs under the interpreter and the JIT (two configurations) with the same complete
 * architectural state, and with the effect an independent model below expects. The models are
 * written here without {@code Alu} or the row's attributes, so a row bound to the wrong method
 * or condition fails even though the engines agree; a new row without a model is still run and
 * compared across engines.
 *
 * <p>Each row gets one program of {@link #CASES} cases with random operands, edge values
 * included. A case loads its inputs from a table in memory, runs the row's instruction once and
 * stores what it produced back into the table; it ends with a call ({@code jal ra}), which ends a
 * JIT region, so every case is its own translation. The program runs its cases twice: the JIT
 * interprets the first pass and runs the second translated, which overwrites the first pass's
 * results with the same values.
 */
class IsaCompletenessTest {
    static final int CASES = 32;
    static final int CODE = TestMachine.CODE, TABLE = 0x8000, MEM = 0xA000, UNMAPPED = 0x40000000;
    /** What a case's destination holds when the instruction must not write it (it traps). */
    static final int UNWRITTEN = 0x5A5;
    static final int ZERO = 0, RA = TestMachine.RA, T0 = TestMachine.T0, T1 = T0 + 1, T2 = T0 + 2;
    static final int S0 = TestMachine.S0, S1 = S0 + 1;
    static final int MIN = Integer.MIN_VALUE, MAX = Integer.MAX_VALUE;
    static final int[] EDGES = {0, 1, -1, 2, MIN, MAX, MIN + 1, MAX - 1, 31, 32, 33, 0x7FFF, 0x8000, 0xFFFF, 0x10000};

    @Test
    void everyRowHasTheAttributesOfItsFamily() {
        for (Opcode op : Opcode.values()) {
            String row = op.toString();
            assertTrue(op.family.formats.contains(op.format), row + ": format");
            boolean alu = op.family == Family.ALU, memory = op.family == Family.LOAD || op.family == Family.STORE;
            assertEquals(alu, op.operation != null, row + ": an ALU row, and only one, names its operation");
            assertEquals(op.family == Family.BRANCH, op.cond != null, row + ": a branch, and only one, has a condition");
            assertEquals(memory, op.width != null, row + ": a load or store, and only one, has a width");
            assertEquals(op.family == Family.COUNTER, op.counter != null && op.half != null, row + ": counter and half");
            assertEquals(op.trapCheck != null || op.family == Family.SYSTEM, op.trapCause != null,
                    row + ": a trap cause goes with a trap check or a system row");
            if (op.trapCheck != null) assertTrue(alu, row + ": only ALU rows have trap checks");
            if (op.signed) assertEquals(Family.LOAD, op.family, row + ": only loads are signed");
            if (alu) assertEquals(op.sources.size(), op.operation.descriptor().chars().filter(c -> c == 'I').count() - 1,
                    row + ": the operation takes the format's sources");
            if (op.trapCause != null) assertTrue(op.raises.contains(op.trapCause), row + ": raises its trap cause");
        }
    }

    @ParameterizedTest
    @EnumSource(Opcode.class)
    void everyRowRunsAlikeUnderBothEnginesAsTheModelSays(Opcode op) {
        Program p = new Program(op, new Random(op.ordinal() * 7919L + 17));
        Rig ref = p.run(Rig.interp(1));
        Rig jit = p.run(new Rig(Verified.jit(), 1));
        Rig plain = p.run(new Rig(Verified.jit(JitOptions.DEFAULT.withThreshold(1).withInlineTlb(false)
                .withRegistersInLocals(false).withSiteCache(false)), 1));
        Rig.assertSameState(ref, jit, op + " under the JIT");
        Rig.assertSameState(ref, plain, op + " under the JIT without its fast paths");
        for (Rig r : new Rig[] {jit, plain}) {
            long dispatches = ((Jit) r.m.engine()).stats().dispatches();
            assertTrue(dispatches >= CASES, op + ": the second pass ran in translations (" + dispatches + " entries)");
        }
        p.check(ref);
    }

    /** What a case should leave: its table slot (or null to skip) and its trap (or null). */
    private record Expect(int pc, Integer slot, Cause trap, int badVaddr) {}

    /** One row's test program, its inputs, and what the model expects of it. */
    private static final class Program {
        final Opcode op;
        final Random rnd;
        final List<Integer> words = new ArrayList<>();
        final int[] table = new int[4 * CASES];
        final List<Expect> expected = new ArrayList<>();
        final byte[] memory = new byte[0x1000], model;
        /** Counter values before the first instruction (cycles, instret): the low halves wrap during the run. */
        final long cycles, instret;
        final int bodyStart, bodyLength;

        Program(Opcode op, Random rnd) {
            this.op = op;
            this.rnd = rnd;
            rnd.nextBytes(memory);
            model = memory.clone();
            cycles = (long) rnd.nextInt(1 << 20) << 32 | 0xFFFFFF00L;
            instret = (long) rnd.nextInt(1 << 20) << 32 | 0xFFFFFF80L;
            emit(Opcode.ORI.encode(S0, ZERO, TABLE));
            emit(Opcode.ADDI.encode(S1, ZERO, 2));
            bodyStart = words.size();
            for (int i = 0; i < CASES; i++) {
                addCase(i, 16 * i);
                emit(Opcode.JAL.encode(RA, 4));
            }
            emit(Opcode.ADDI.encode(S1, S1, -1));
            emit(Opcode.BNE.encode(S1, ZERO, 4 * (bodyStart - words.size())));
            bodyLength = words.size() - bodyStart;
            emit(Opcode.JAL.encode(ZERO, 0));
            if (op.family == Family.COUNTER) fixCounterExpectations();
        }

        private int pc() {
            return CODE + 4 * words.size();
        }

        private void emit(int w) {
            words.add(w);
        }

        private int value() {
            return rnd.nextBoolean() ? EDGES[rnd.nextInt(EDGES.length)] : rnd.nextInt();
        }

        private void addCase(int i, int o) {
            switch (op.family) {
                case ALU: aluCase(i, o); return;
                case COUNTER: {
                    int at = pc();
                    emit(op.encode(T2));
                    emit(Opcode.SW.encode(T2, o + 8, S0));
                    expected.add(new Expect(at, null, null, 0));
                    return;
                }
                case LOAD: loadCase(i, o); return;
                case STORE: storeCase(i, o); return;
                case BRANCH: {
                    int x = value(), y = rnd.nextInt(4) == 0 ? x : value();
                    table[4 * i] = x;
                    table[4 * i + 1] = y;
                    emit(Opcode.LW.encode(T0, o, S0));
                    emit(Opcode.LW.encode(T1, o + 4, S0));
                    emit(Opcode.ADDI.encode(T2, ZERO, 1));
                    int at = pc();
                    emit(op.encode(T0, T1, 8));
                    emit(Opcode.ADDI.encode(T2, ZERO, 0));
                    emit(Opcode.SW.encode(T2, o + 8, S0));
                    Boolean taken = BRANCH_MODEL.containsKey(op) ? BRANCH_MODEL.get(op).taken(x, y) : null;
                    expected.add(new Expect(at, taken == null ? null : taken ? 1 : 0, null, 0));
                    return;
                }
                case JUMP: {
                    emit(Opcode.ADDI.encode(T2, ZERO, UNWRITTEN));
                    int at = pc();
                    emit(op.encode(T2, 8));
                    emit(Opcode.ADDI.encode(T2, ZERO, 0));
                    emit(Opcode.SW.encode(T2, o + 8, S0));
                    expected.add(new Expect(at, at + 4, null, 0));
                    return;
                }
                case JUMP_REGISTER: {
                    int imm = rnd.nextInt(65) - 32;
                    emit(Opcode.LW.encode(T0, o, S0));
                    int at = pc();
                    table[4 * i] = at + 8 - imm;
                    emit(op.encode(T2, imm, T0));
                    emit(Opcode.ADDI.encode(T2, ZERO, 0));
                    emit(Opcode.SW.encode(T2, o + 8, S0));
                    expected.add(new Expect(at, at + 4, null, 0));
                    return;
                }
                case SYSTEM: {
                    int at = pc();
                    emit(op.encode(rnd.nextInt(1 << 26)));
                    expected.add(new Expect(at, null, SYSTEM_MODEL.get(op), 0));
                    return;
                }
                default:
                    throw new AssertionError("no test program for the family of " + op);
            }
        }

        /** {@code op t2, t0, t1} or {@code op t2, t0, imm} or {@code op t2, imm}, sources from the table. */
        private void aluCase(int i, int o) {
            int x = value(), y = value(), imm = 0;
            List<Operand> operands = op.format.operands;
            int[] fields = new int[operands.size()];
            for (int k = 0; k < fields.length; k++) {
                Operand operand = operands.get(k);
                switch (operand) {
                    case RD: fields[k] = T2; break;
                    case RS1: fields[k] = T0; break;
                    case RS2: fields[k] = T1; break;
                    case SIMM16: imm = rnd.nextBoolean() ? (short) value() : rnd.nextInt(65536) - 32768; fields[k] = imm; break;
                    case UIMM16: imm = rnd.nextBoolean() ? value() & 0xFFFF : rnd.nextInt(65536); fields[k] = imm; break;
                    case SHAMT: imm = rnd.nextBoolean() ? value() & 31 : rnd.nextInt(32); fields[k] = imm; break;
                    default: throw new AssertionError(op + ": operand " + operand);
                }
            }
            if (!operands.contains(Operand.RS2)) y = imm;
            table[4 * i] = x;
            table[4 * i + 1] = y;
            if (operands.contains(Operand.RS1)) emit(Opcode.LW.encode(T0, o, S0));
            if (operands.contains(Operand.RS2)) emit(Opcode.LW.encode(T1, o + 4, S0));
            emit(Opcode.ADDI.encode(T2, ZERO, UNWRITTEN));
            int at = pc();
            emit(op.encode(fields));
            emit(Opcode.SW.encode(T2, o + 8, S0));
            AluModel model = ALU_MODEL.get(op);
            if (model == null) {
                expected.add(new Expect(at, null, null, 0));
                return;
            }
            Outcome out = model.apply(x, y);
            expected.add(out.trap == null ? new Expect(at, out.value, null, 0) : new Expect(at, UNWRITTEN, out.trap, 0));
        }

        /** An address in the data page, at any alignment, or now and then an unmapped one. */
        private int base() {
            return rnd.nextInt(8) == 0 ? UNMAPPED + rnd.nextInt(0x1000) : MEM + 64 + rnd.nextInt(0x1000 - 128);
        }

        private void loadCase(int i, int o) {
            int base = base(), imm = rnd.nextInt(128) - 64, va = base + imm;
            table[4 * i] = base;
            emit(Opcode.LW.encode(T0, o, S0));
            emit(Opcode.ADDI.encode(T2, ZERO, UNWRITTEN));
            int at = pc();
            emit(op.encode(T2, imm, T0));
            emit(Opcode.SW.encode(T2, o + 8, S0));
            Access a = ACCESS_MODEL.get(op);
            if (a == null) {
                expected.add(new Expect(at, null, null, 0));
            } else if (va % a.size != 0) {
                expected.add(new Expect(at, UNWRITTEN, Cause.ADDR_LOAD, va));
            } else if (va >= UNMAPPED) {
                expected.add(new Expect(at, UNWRITTEN, Cause.TLB_MISS_LOAD, va));
            } else {
                int v = 0;
                for (int b = a.size - 1; b >= 0; b--) v = v << 8 | memory[va - MEM + b] & 0xFF;
                int unused = 32 - 8 * a.size;
                expected.add(new Expect(at, a.signed ? v << unused >> unused : v, null, 0));
            }
        }

        private void storeCase(int i, int o) {
            int base = base(), imm = rnd.nextInt(128) - 64, va = base + imm, v = value();
            table[4 * i] = base;
            table[4 * i + 1] = v;
            emit(Opcode.LW.encode(T0, o, S0));
            emit(Opcode.LW.encode(T1, o + 4, S0));
            int at = pc();
            emit(op.encode(T1, imm, T0));
            Access a = ACCESS_MODEL.get(op);
            if (a == null) {
                expected.add(new Expect(at, null, null, 0));
            } else if (va % a.size != 0) {
                expected.add(new Expect(at, null, Cause.ADDR_STORE, va));
            } else if (va >= UNMAPPED) {
                expected.add(new Expect(at, null, Cause.TLB_MISS_STORE, va));
            } else {
                for (int b = 0; b < a.size; b++) model[va - MEM + b] = (byte) (v >>> 8 * b);
                expected.add(new Expect(at, null, null, 0));
            }
        }

        /**
         * A counter read in the second pass sees the counter's start plus the instructions before
         * it: the first pass (the body) and its own index in the program. Nothing traps, so
         * cycles advance with instructions.
         */
        private void fixCounterExpectations() {
            Counters c = COUNTER_MODEL.get(op);
            if (c == null) return;
            for (int i = 0; i < expected.size(); i++) {
                Expect e = expected.get(i);
                long before = (c.cycles ? cycles : instret) + bodyLength + (e.pc - CODE) / 4;
                expected.set(i, new Expect(e.pc, (int) (before >>> (c.high ? 32 : 0)), null, 0));
            }
        }

        Rig run(Rig r) {
            r.haltOnBreak = false;
            for (int page : new int[] {CODE, TABLE, MEM}) {
                r.m.tlb.writeReplacing(page >>> 12, 0, page >>> 12, Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE);
            }
            r.m.memory.write(MEM, memory, 0, memory.length);
            r.load(TABLE, table);
            r.load(CODE, words.stream().mapToInt(Integer::intValue).toArray());
            r.m.cpu.cycles = cycles;
            r.m.cpu.instret = instret;
            return r.start(CODE).run(4L * words.size() + 1000);
        }

        /** Compares a run with the model: table slots, the trap sequence of both passes, memory. */
        void check(Rig r) {
            List<String> traps = new ArrayList<>();
            for (String t : r.traps) {
                Cause c = Cause.ofName(t.substring(0, t.indexOf('@')));
                traps.add(t.substring(0, t.indexOf(c.setsBadVaddr ? " cyc=" : " bad=")));
            }
            List<String> expectedTraps = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                Expect e = expected.get(i);
                int slot = r.m.memory.readWord(TABLE + 16 * i + 8);
                if (e.slot != null) {
                    assertEquals((int) e.slot, slot, String.format("%s case %d at 0x%x: inputs 0x%x, 0x%x", op, i, e.pc,
                            table[4 * i], table[4 * i + 1]));
                }
                if (e.trap != null) {
                    expectedTraps.add(e.trap.shortName + "@" + Integer.toHexString(e.pc)
                            + (e.trap.setsBadVaddr ? " bad=" + Integer.toHexString(e.badVaddr) : ""));
                }
            }
            if (hasModel(op)) {
                List<String> twice = new ArrayList<>(expectedTraps);
                twice.addAll(expectedTraps);
                assertEquals(twice, traps, op + ": traps of both passes");
            }
            if (op.family == Family.STORE && ACCESS_MODEL.containsKey(op)) {
                byte[] actual = Arrays.copyOfRange(r.m.memory.toArray(), MEM, MEM + model.length);
                assertArrayEquals(model, actual, op + ": memory after the stores");
            }
        }
    }

    static boolean hasModel(Opcode op) {
        return ALU_MODEL.containsKey(op) || BRANCH_MODEL.containsKey(op) || ACCESS_MODEL.containsKey(op)
                || COUNTER_MODEL.containsKey(op) || SYSTEM_MODEL.containsKey(op)
                || op.family == Family.JUMP || op.family == Family.JUMP_REGISTER;
    }

    /** An ALU result, or the trap that leaves rd unwritten. */
    private record Outcome(int value, Cause trap) {
        static Outcome of(long v) {
            return new Outcome((int) v, null);
        }

        static Outcome trap(Cause c) {
            return new Outcome(0, c);
        }
    }

    @FunctionalInterface
    private interface AluModel {
        Outcome apply(int x, int y);
    }

    @FunctionalInterface
    private interface BranchModel {
        boolean taken(int x, int y);
    }

    private record Access(int size, boolean signed) {}

    private record Counters(boolean cycles, boolean high) {}

    private static final long U = 0xFFFFFFFFL;
    private static final Map<Opcode, AluModel> ALU_MODEL = new EnumMap<>(Opcode.class);
    private static final Map<Opcode, BranchModel> BRANCH_MODEL = new EnumMap<>(Opcode.class);
    private static final Map<Opcode, Access> ACCESS_MODEL = new EnumMap<>(Opcode.class);
    private static final Map<Opcode, Counters> COUNTER_MODEL = new EnumMap<>(Opcode.class);
    private static final Map<Opcode, Cause> SYSTEM_MODEL = new EnumMap<>(Opcode.class);

    static {
        AluModel add = (x, y) -> Outcome.of((long) x + y), sub = (x, y) -> Outcome.of((long) x - y);
        AluModel addo = (x, y) -> (long) x + y == (int) (x + y) ? Outcome.of(x + y) : Outcome.trap(Cause.OVERFLOW);
        AluModel slt = (x, y) -> Outcome.of(x < y ? 1 : 0), sltu = (x, y) -> Outcome.of((x & U) < (y & U) ? 1 : 0);
        AluModel and = (x, y) -> Outcome.of(x & y), or = (x, y) -> Outcome.of(x | y), xor = (x, y) -> Outcome.of(x ^ y);
        AluModel sll = (x, y) -> Outcome.of((x & U) << (y % 32 + 32) % 32);
        AluModel srl = (x, y) -> Outcome.of((x & U) >> (y & 0x1F)), sra = (x, y) -> Outcome.of((long) x >> (y & 0x1F));
        ALU_MODEL.put(Opcode.ADD, add);
        ALU_MODEL.put(Opcode.SUB, sub);
        ALU_MODEL.put(Opcode.ADDO, addo);
        ALU_MODEL.put(Opcode.SUBO, (x, y) -> (long) x - y == (int) (x - y) ? Outcome.of(x - y) : Outcome.trap(Cause.OVERFLOW));
        ALU_MODEL.put(Opcode.AND, and);
        ALU_MODEL.put(Opcode.OR, or);
        ALU_MODEL.put(Opcode.XOR, xor);
        ALU_MODEL.put(Opcode.NOR, (x, y) -> Outcome.of(-1 - (x | y)));
        ALU_MODEL.put(Opcode.SLL, sll);
        ALU_MODEL.put(Opcode.SRL, srl);
        ALU_MODEL.put(Opcode.SRA, sra);
        ALU_MODEL.put(Opcode.SLT, slt);
        ALU_MODEL.put(Opcode.SLTU, sltu);
        ALU_MODEL.put(Opcode.MUL, (x, y) -> Outcome.of((long) x * y));
        ALU_MODEL.put(Opcode.MULH, (x, y) -> Outcome.of(((long) x * y) >> 32));
        ALU_MODEL.put(Opcode.MULHU, (x, y) -> Outcome.of(java.math.BigInteger.valueOf(x & U).multiply(java.math.BigInteger.valueOf(y & U))
                .shiftRight(32).longValue()));
        ALU_MODEL.put(Opcode.DIV, (x, y) -> y == 0 ? Outcome.trap(Cause.DIV_ZERO) : Outcome.of((long) x / y));
        ALU_MODEL.put(Opcode.DIVU, (x, y) -> y == 0 ? Outcome.trap(Cause.DIV_ZERO) : Outcome.of((x & U) / (y & U)));
        ALU_MODEL.put(Opcode.REM, (x, y) -> y == 0 ? Outcome.trap(Cause.DIV_ZERO) : Outcome.of((long) x % y));
        ALU_MODEL.put(Opcode.REMU, (x, y) -> y == 0 ? Outcome.trap(Cause.DIV_ZERO) : Outcome.of((x & U) % (y & U)));
        ALU_MODEL.put(Opcode.ADDI, add);
        ALU_MODEL.put(Opcode.ADDIO, addo);
        ALU_MODEL.put(Opcode.SLTI, slt);
        ALU_MODEL.put(Opcode.SLTIU, sltu);
        ALU_MODEL.put(Opcode.ANDI, and);
        ALU_MODEL.put(Opcode.ORI, or);
        ALU_MODEL.put(Opcode.XORI, xor);
        ALU_MODEL.put(Opcode.LUI, (x, y) -> Outcome.of((long) y * 65536));
        ALU_MODEL.put(Opcode.SLLI, sll);
        ALU_MODEL.put(Opcode.SRLI, srl);
        ALU_MODEL.put(Opcode.SRAI, sra);

        BRANCH_MODEL.put(Opcode.BEQ, (x, y) -> x == y);
        BRANCH_MODEL.put(Opcode.BNE, (x, y) -> x != y);
        BRANCH_MODEL.put(Opcode.BLT, (x, y) -> (long) x < y);
        BRANCH_MODEL.put(Opcode.BGE, (x, y) -> (long) x >= y);
        BRANCH_MODEL.put(Opcode.BLTU, (x, y) -> (x & U) < (y & U));
        BRANCH_MODEL.put(Opcode.BGEU, (x, y) -> (x & U) >= (y & U));

        ACCESS_MODEL.put(Opcode.LB, new Access(1, true));
        ACCESS_MODEL.put(Opcode.LBU, new Access(1, false));
        ACCESS_MODEL.put(Opcode.LH, new Access(2, true));
        ACCESS_MODEL.put(Opcode.LHU, new Access(2, false));
        ACCESS_MODEL.put(Opcode.LW, new Access(4, true));
        ACCESS_MODEL.put(Opcode.SB, new Access(1, false));
        ACCESS_MODEL.put(Opcode.SH, new Access(2, false));
        ACCESS_MODEL.put(Opcode.SW, new Access(4, false));

        COUNTER_MODEL.put(Opcode.RDCYCLE, new Counters(true, false));
        COUNTER_MODEL.put(Opcode.RDCYCLEH, new Counters(true, true));
        COUNTER_MODEL.put(Opcode.RDINSTRET, new Counters(false, false));
        COUNTER_MODEL.put(Opcode.RDINSTRETH, new Counters(false, true));

        SYSTEM_MODEL.put(Opcode.SYSCALL, Cause.SYSCALL);
        SYSTEM_MODEL.put(Opcode.BREAK, Cause.BREAK);
    }
}
