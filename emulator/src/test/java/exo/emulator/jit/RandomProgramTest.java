package exo.emulator.jit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated instruction streams, faulting ones included, run under the interpreter
 * and the JIT; complete architectural state (registers, PC, memory, TLB, counters, the trap
 * sequence with cycle stamps) must agree. Programs straddle a page boundary, loop, call and
 * return, store into their own code, fault on every cause, and their syscalls make the kernel
 * flush, invalidate or remap TLB entries and switch ASIDs.
 */
class RandomProgramTest {
    /** Programs start here, 0x600 bytes before a page boundary. */
    static final int START = 0x1A00;
    static final int DATA = 0x8000;
    private static final Opcode[] OPS = Opcode.values();
    /** Registers holding pointers: two data pages, the code, an unmapped address. */
    private static final int P_DATA = 20, P_DATA2 = 21, P_CODE = 22, P_WILD = 23;

    private long translated;

    @Test
    void randomProgramsAgree() {
        int cases = 2000;
        int checkedBefore = Verified.classesChecked;
        for (int i = 0; i < cases; i++) runCase(1000 + i, i % 5 == 0, i % 4 == 0);
        assertTrue(translated > cases, "translations were made: " + translated);
        assertTrue(Verified.classesChecked - checkedBefore > cases / 4, "translations were verified");
    }

    private void runCase(long seed, boolean timer, boolean verify) {
        Random rnd = new Random(seed);
        int length = 16 + rnd.nextInt(600);
        int[] program = new int[length];
        for (int i = 0; i < length; i++) program[i] = instruction(rnd, i, length);
        int[] regs = new int[32];
        for (int r = 1; r < 32; r++) regs[r] = rnd.nextInt(4) == 0 ? rnd.nextInt(64) - 32 : rnd.nextInt();
        regs[P_DATA] = DATA + 4 * rnd.nextInt(64);
        regs[P_DATA2] = DATA + 0x1000 + 4 * rnd.nextInt(64);
        regs[P_CODE] = START + 4 * rnd.nextInt(length);
        regs[P_WILD] = 0x50000 + rnd.nextInt(0x1000);
        byte[] data = new byte[0x2000];
        rnd.nextBytes(data);
        long period = timer ? 5 + rnd.nextInt(300) : 0;
        int cap = rnd.nextBoolean() ? JitOptions.DEFAULT.regionCap() : 1 + rnd.nextInt(40);
        // Mostly the default shape; every switch is exercised too.
        JitOptions options = JitOptions.DEFAULT.withThreshold(2 + rnd.nextInt(4)).withRegionCap(cap)
                .withRegions(rnd.nextInt(5) != 0).withInlineTlb(rnd.nextInt(5) != 0).withRegistersInLocals(rnd.nextInt(5) != 0)
                .withSiteCache(rnd.nextInt(4) != 0);
        long budget = 500 + rnd.nextInt(5000);

        Rig ref = Rig.interp(seed);
        Rig jr = new Rig(verify ? Verified.jit(options) : new Jit(options), seed);
        for (Rig r : new Rig[] {ref, jr}) {
            r.haltOnBreak = false;
            r.perturbTlb = true;
            r.restart = START;
            r.timerPeriod = period;
            r.m.memory.write(DATA, data, 0, data.length);
            System.arraycopy(regs, 0, r.m.cpu.regs, 0, 32);
            r.load(START, program).start(START).run(budget);
        }
        Rig.assertSameState(ref, jr, "seed " + seed);
        translated += ((Jit) jr.m.engine()).stats().regionsTranslated();
    }

    private static int reg(Random rnd) {
        int r = rnd.nextInt(32);
        // Mostly leave the pointer registers alone so loads and stores keep hitting memory.
        return r >= P_DATA && r <= P_WILD && rnd.nextInt(8) != 0 ? rnd.nextInt(20) : r;
    }

    private static int instruction(Random rnd, int index, int length) {
        if (rnd.nextInt(200) == 0) return rnd.nextInt(); // almost always an invalid word
        Opcode op = OPS[rnd.nextInt(OPS.length)];
        if (op == Opcode.SYSCALL && rnd.nextInt(3) != 0) op = Opcode.ADD; // keep kernel perturbation occasional
        if (op == Opcode.BREAK && rnd.nextInt(2) != 0) op = Opcode.XOR;
        switch (op.format) {
            case R: return op.encode(reg(rnd), reg(rnd), reg(rnd));
            case RD: return op.encode(reg(rnd));
            case I: return op.encode(reg(rnd), reg(rnd), rnd.nextInt(4) == 0 ? rnd.nextInt(65536) - 32768 : rnd.nextInt(64) - 32);
            case IU: return op.encode(reg(rnd), reg(rnd), rnd.nextInt(65536));
            case SH: return op.encode(reg(rnd), reg(rnd), rnd.nextInt(32));
            case U: return op.encode(reg(rnd), rnd.nextInt(65536));
            case LD: case ST: {
                int base;
                int pick = rnd.nextInt(20);
                if (pick < 12) base = P_DATA;
                else if (pick < 16) base = P_DATA2;
                else if (pick < 17) base = op.format == Format.ST ? P_CODE : P_DATA;
                else if (pick < 18) base = P_WILD;
                else base = reg(rnd);
                int size = op == Opcode.LW || op == Opcode.SW ? 4 : op == Opcode.LH || op == Opcode.LHU || op == Opcode.SH ? 2 : 1;
                int imm = (rnd.nextInt(64) - 32) * (rnd.nextInt(10) == 0 ? 1 : size);
                int data = op.format == Format.ST ? reg(rnd) : reg(rnd);
                return op.encode(data, imm, base);
            }
            case BR: return op.encode(reg(rnd), reg(rnd), 4 * offset(rnd, index, length));
            case J: return op.encode(rnd.nextBoolean() ? 31 : reg(rnd), 4 * offset(rnd, index, length));
            case JR: {
                int base = rnd.nextInt(3) == 0 ? reg(rnd) : 31;
                return op.encode(rnd.nextInt(3) == 0 ? 31 : 0, rnd.nextInt(4) == 0 ? rnd.nextInt(16) - 8 : 0, base);
            }
            case SYS: return op.encode(rnd.nextInt(1 << 26));
            default: throw new IllegalStateException("format " + op.format);
        }
    }

    /** A branch distance in instructions, mostly short, mostly inside the program. */
    private static int offset(Random rnd, int index, int length) {
        if (rnd.nextInt(10) == 0) return rnd.nextInt(2 * length) - length;
        int d = rnd.nextInt(24) - 16;
        return d == 0 ? 1 : d;
    }
}
