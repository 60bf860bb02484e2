package exo.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.fuzz.Choices;
import exo.fuzz.Fuzz;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of generated instruction streams, faulting ones included, run under the interpreter
 * and the JIT; complete architectural state (registers, PC, memory, TLB, counters, the trap
 * sequence with cycle stamps) must agree. Programs straddle a page boundary, loop, call and
 * return, store into their own code, fault on every cause, and their syscalls make the kernel
 * flush, invalidate or remap TLB entries and switch ASIDs.
 *
 * <p>A property run by {@link Fuzz}: a program is a list of {@link Insn}s whose fields choose the
 * opcode, registers, immediates and branch distances, so a failure shrinks to the fewest,
 * simplest instructions that still disagree, printed with its seed ({@code -Dexo.fuzz.seed=S}
 * replays it). The count is {@code exo.fuzz.tries} (emulator/pom.xml; {@code -Dexo.fuzz.tries=N}
 * for a long run). The stand-in kernel is
 * {@link Rig}; {@code DifferentialFuzzTest} in the exokernel module does the same on the real
 * kernel.
 */
class RandomProgramTest {
    /** Programs start here, 0x600 bytes before a page boundary. */
    static final int START = 0x1A00;
    static final int DATA = 0x8000;
    private static final Opcode[] OPS = Opcode.values();
    /** Registers holding pointers: two data pages, the code, an unmapped address. */
    private static final int P_DATA = 20, P_DATA2 = 21, P_CODE = 22, P_WILD = 23;

    private long cases, translated;
    private int checkedBefore = Verified.classesChecked;

    /**
     * One generated instruction. {@code kind} 199 is a random word (almost always invalid); any
     * other value takes the opcode {@code op} selects. The other fields are read modulo what the
     * opcode's format needs, so every value is valid and shrinking makes the instruction simpler.
     */
    record Insn(int kind, int op, int a, int b, int c, int imm, int pick) {
        @Override
        public String toString() {
            return "Insn(" + kind + "," + op + "," + a + "," + b + "," + c + "," + imm + "," + pick + ")";
        }
    }

    /** One generated case: the program, the seed of its registers and data, and the run's settings. */
    record Case(List<Insn> insns, long seed, int timerPick, int period, int verifyPick, int cap, int threshold, int switches, int budget) {}

    static Case generate(Choices c) {
        List<Insn> insns = c.uniformList(1, 616, x -> new Insn(x.between(0, 199), x.between(0, OPS.length * 6 - 1), x.between(0, Integer.MAX_VALUE),
                x.between(0, Integer.MAX_VALUE), x.between(0, Integer.MAX_VALUE), x.anyInt(), x.between(0, 99)));
        return new Case(insns, c.anyLong(), c.between(0, 4), c.between(5, 304), c.between(0, 3), c.between(0, 40), c.between(2, 5),
                c.between(0, 21), c.between(500, 5499));
    }

    /** The run's length is exo.fuzz.tries, not a clock: every program has an instruction budget. */
    @Test
    @Timeout(value = 1, unit = TimeUnit.DAYS)
    void randomProgramsAgree() {
        Fuzz.check("randomProgramsAgree", RandomProgramTest::generate, this::agree);
        translationsWereMadeAndVerified();
    }

    void agree(Case k) {
        List<Insn> insns = k.insns();
        long seed = k.seed();
        int timerPick = k.timerPick(), period = k.period(), verifyPick = k.verifyPick(), cap = k.cap(), threshold = k.threshold();
        int switches = k.switches(), budget = k.budget();
        int length = insns.size();
        int[] program = new int[length];
        for (int i = 0; i < length; i++) program[i] = encode(insns.get(i), i, length);
        Random rnd = new Random(seed);                 // registers and data: what shrinking need not touch
        int[] regs = new int[32];
        for (int r = 1; r < 32; r++) regs[r] = rnd.nextInt(4) == 0 ? rnd.nextInt(64) - 32 : rnd.nextInt();
        regs[P_DATA] = DATA + 4 * rnd.nextInt(64);
        regs[P_DATA2] = DATA + 0x1000 + 4 * rnd.nextInt(64);
        regs[P_CODE] = START + 4 * rnd.nextInt(length);
        regs[P_WILD] = 0x50000 + rnd.nextInt(0x1000);
        byte[] data = new byte[0x2000];
        rnd.nextBytes(data);
        long timerPeriod = timerPick == 0 ? period : 0;
        // Mostly the default shape; every switch is exercised too (switches 16..20 turn one off each,
        // 21 both raw access and site caches: the checked host-cache path).
        JitOptions options = JitOptions.DEFAULT.withThreshold(threshold).withRegionCap(cap == 0 ? JitOptions.DEFAULT.regionCap() : cap)
                .withRegions(switches != 16).withInlineTlb(switches != 17).withRegistersInLocals(switches != 18)
                .withSiteCache(switches != 19 && switches != 21).withRawAccess(switches < 20);

        Rig ref = Rig.interp(seed);
        Rig jr = new Rig(verifyPick == 0 ? Verified.jit(options) : new Jit(options), seed);
        for (Rig r : new Rig[] {ref, jr}) {
            r.haltOnBreak = false;
            r.perturbTlb = true;
            r.restart = START;
            r.timerPeriod = timerPeriod;
            r.m.memory.write(DATA, data, 0, data.length);
            System.arraycopy(regs, 0, r.m.cpu.regs, 0, 32);
            r.load(START, program).start(START).run(budget);
        }
        Rig.assertSameState(ref, jr, "seed " + seed);
        translated += ((Jit) jr.m.engine()).stats().regionsTranslated();
        cases++;
    }

    /** Over a whole run (not a tiny one), the JIT must have translated and verified code, or the agreement says little. */
    private void translationsWereMadeAndVerified() {
        if (cases < 200) return;
        assertTrue(translated > cases, "translations were made: " + translated + " in " + cases + " programs");
        assertTrue(Verified.classesChecked - checkedBefore > cases / 8, "translations were verified");
    }

    /** Register field v: mostly leave the pointer registers alone so loads and stores keep hitting memory. */
    private static int reg(int v) {
        int r = v & 31;
        return r >= P_DATA && r <= P_WILD && ((v >>> 5) & 7) != 0 ? (v >>> 8) % 20 : r;
    }

    private static int encode(Insn n, int index, int length) {
        if (n.kind() == 199) return n.imm();
        Opcode op = OPS[n.op() % OPS.length];
        int variant = n.op() / OPS.length;        // 0..5
        if (op == Opcode.SYSCALL && variant % 3 != 0) op = Opcode.ADD; // keep kernel perturbation occasional
        if (op == Opcode.BREAK && variant % 2 != 0) op = Opcode.XOR;
        int imm = n.imm();
        switch (op.format) {
            case R: return op.encode(reg(n.a()), reg(n.b()), reg(n.c()));
            case RD: return op.encode(reg(n.a()));
            case I: return op.encode(reg(n.a()), reg(n.b()), n.pick() % 4 == 3 ? (short) imm : Math.floorMod(imm, 64) - 32);
            case IU: return op.encode(reg(n.a()), reg(n.b()), imm & 0xFFFF);
            case SH: return op.encode(reg(n.a()), reg(n.b()), imm & 31);
            case U: return op.encode(reg(n.a()), imm & 0xFFFF);
            case LD: case ST: {
                int pick = n.pick() % 20;
                int base;
                if (pick < 12) base = P_DATA;
                else if (pick < 16) base = P_DATA2;
                else if (pick < 17) base = op.format == Format.ST ? P_CODE : P_DATA;
                else if (pick < 18) base = P_WILD;
                else base = reg(n.b());
                int size = op == Opcode.LW || op == Opcode.SW ? 4 : op == Opcode.LH || op == Opcode.LHU || op == Opcode.SH ? 2 : 1;
                int off = (Math.floorMod(imm, 64) - 32) * (n.pick() % 10 == 9 ? 1 : size);
                return op.encode(reg(n.a()), off, base);
            }
            case BR: return op.encode(reg(n.a()), reg(n.b()), 4 * offset(n, index, length));
            case J: return op.encode(n.c() % 2 == 0 ? 31 : reg(n.a()), 4 * offset(n, index, length));
            case JR: {
                int base = n.b() % 3 == 0 ? reg(n.a()) : 31;
                return op.encode(n.c() % 3 == 0 ? 31 : 0, n.pick() % 4 == 3 ? Math.floorMod(imm, 16) - 8 : 0, base);
            }
            case SYS: return op.encode(imm & ((1 << 26) - 1));
            default: throw new IllegalStateException("format " + op.format);
        }
    }

    /** A branch distance in instructions, mostly short, mostly inside the program. */
    private static int offset(Insn n, int index, int length) {
        if (n.pick() % 10 == 9) return Math.floorMod(n.imm(), 2 * length) - length;
        int d = Math.floorMod(n.imm(), 24) - 16;
        return d == 0 ? 1 : d;
    }
}
