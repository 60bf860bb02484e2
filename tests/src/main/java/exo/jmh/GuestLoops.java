package exo.jmh;

import static exo.emulator.isa.Opcode.*;

import exo.emulator.isa.Opcode;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Pages;
import exo.emulator.machine.Tlb;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU-bound guest loops for comparing engines, each wrapped in an endless outer loop so a run
 * always ends on its instruction budget. Data is reached through the TLB (entries installed up
 * front, so the host cache hits after the first touch); any trap means the benchmark is broken.
 */
final class GuestLoops {
    static final int CODE = 0x1000;
    static final int DATA = 0x10000;
    /** Sieve size in bytes (25 pages) and CRC buffer size. */
    static final int SIEVE_N = 100_000, CRC_BYTES = 16 * 1024;
    /** Matrix order for the matmul loop: three 48 x 48 int32 matrices at DATA, +0x3000, +0x6000. */
    static final int MATMUL_N = 48;
    private static final int ZERO = 0;

    private GuestLoops() {}

    /** A few-line assembler: words plus branch fix-ups by label. */
    private static final class Asm {
        final List<Integer> words = new ArrayList<>();
        final Map<String, Integer> labels = new HashMap<>();
        final List<Object[]> fixups = new ArrayList<>();

        Asm op(int w) {
            words.add(w);
            return this;
        }

        Asm label(String name) {
            labels.put(name, words.size());
            return this;
        }

        /** A branch (BR format) or jal (J format) to a label. */
        Asm to(Opcode op, int a, int b, String label) {
            fixups.add(new Object[] {words.size(), op, a, b, label});
            words.add(0);
            return this;
        }

        int[] words() {
            for (Object[] f : fixups) {
                int at = (Integer) f[0];
                Opcode op = (Opcode) f[1];
                int offset = 4 * (labels.get((String) f[4]) - at);
                words.set(at, op == JAL ? op.encode((Integer) f[2], offset) : op.encode((Integer) f[2], (Integer) f[3], offset));
            }
            return words.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Byte-array sieve of Eratosthenes over SIEVE_N bytes at DATA: loads, stores, branches. */
    static int[] sieve() {
        int n = 1, base = 2, i = 3, j = 4, count = 5, t = 6, one = 7;
        Asm a = new Asm();
        a.op(LUI.encode(base, DATA >>> 16)).op(LUI.encode(n, SIEVE_N >>> 16)).op(ORI.encode(n, n, SIEVE_N & 0xFFFF))
                .op(ADDI.encode(one, ZERO, 1));
        a.label("again").op(ADDI.encode(i, ZERO, 0));
        a.label("init").op(ADD.encode(t, base, i)).op(SB.encode(one, 0, t)).op(ADDI.encode(i, i, 1)).to(BLT, i, n, "init");
        a.op(ADDI.encode(i, ZERO, 2)).op(ADDI.encode(count, ZERO, 0));
        a.label("outer").op(ADD.encode(t, base, i)).op(LBU.encode(t, 0, t)).to(BEQ, t, ZERO, "next");
        a.op(ADDI.encode(count, count, 1)).op(ADD.encode(j, i, i));
        a.label("inner").to(BGE, j, n, "next").op(ADD.encode(t, base, j)).op(SB.encode(ZERO, 0, t)).op(ADD.encode(j, j, i))
                .to(JAL, ZERO, 0, "inner");
        a.label("next").op(ADDI.encode(i, i, 1)).to(BLT, i, n, "outer");
        a.to(JAL, ZERO, 0, "again");
        return a.words();
    }

    /** Bitwise CRC-32 (polynomial 0xEDB88320) over CRC_BYTES at DATA: ALU-bound inner loop. */
    static int[] crc32() {
        int n = 1, base = 2, i = 3, k = 4, crc = 5, t = 6, poly = 8;
        Asm a = new Asm();
        a.op(LUI.encode(base, DATA >>> 16)).op(LUI.encode(n, CRC_BYTES >>> 16)).op(ORI.encode(n, n, CRC_BYTES & 0xFFFF))
                .op(LUI.encode(poly, 0xEDB8)).op(ORI.encode(poly, poly, 0x8320));
        a.label("again").op(ADDI.encode(crc, ZERO, -1)).op(ADDI.encode(i, ZERO, 0));
        a.label("byte").op(ADD.encode(t, base, i)).op(LBU.encode(t, 0, t)).op(XOR.encode(crc, crc, t)).op(ADDI.encode(k, ZERO, 8));
        a.label("bit").op(ANDI.encode(t, crc, 1)).op(SUB.encode(t, ZERO, t)).op(AND.encode(t, t, poly)).op(SRLI.encode(crc, crc, 1))
                .op(XOR.encode(crc, crc, t)).op(ADDI.encode(k, k, -1)).to(BNE, k, ZERO, "bit");
        a.op(ADDI.encode(i, i, 1)).to(BLT, i, n, "byte");
        a.op(NOR.encode(crc, crc, ZERO)).op(SW.encode(crc, -4, base));
        a.to(JAL, ZERO, 0, "again");
        return a.words();
    }

    /**
     * 48 x 48 int32 matrix product C = A x B at DATA, as guest-programs/src/matmul.s computes it:
     * the inner loop is a dot product with one sequential and one strided load per multiply.
     */
    static int[] matmul() {
        int n = 1, row = 2, ma = 3, mb = 4, mc = 5, i = 6, j = 7, pa = 8, pb = 9, end = 10, acc = 11, x = 12, y = 13,
                ra = 14, rc = 15;
        Asm a = new Asm();
        a.op(ADDI.encode(n, ZERO, MATMUL_N)).op(SLLI.encode(row, n, 2)).op(LUI.encode(ma, DATA >>> 16))
                .op(ADDI.encode(mb, ma, 0x3000)).op(ADDI.encode(mc, ma, 0x6000));
        a.label("again").op(ADDI.encode(i, ZERO, 0));
        a.label("row").op(MUL.encode(ra, i, row)).op(ADD.encode(rc, mc, ra)).op(ADD.encode(ra, ma, ra)).op(ADDI.encode(j, ZERO, 0));
        a.label("col").op(SLLI.encode(pb, j, 2)).op(ADD.encode(pb, mb, pb)).op(ADD.encode(pa, ra, ZERO)).op(ADD.encode(end, ra, row))
                .op(ADDI.encode(acc, ZERO, 0));
        a.label("inner").op(LW.encode(x, 0, pa)).op(LW.encode(y, 0, pb)).op(MUL.encode(x, x, y)).op(ADD.encode(acc, acc, x))
                .op(ADDI.encode(pa, pa, 4)).op(ADD.encode(pb, pb, row)).to(BNE, pa, end, "inner");
        a.op(SLLI.encode(x, j, 2)).op(ADD.encode(x, rc, x)).op(SW.encode(acc, 0, x)).op(ADDI.encode(j, j, 1)).to(BLT, j, n, "col");
        a.op(ADDI.encode(i, i, 1)).to(BLT, i, n, "row");
        a.to(JAL, ZERO, 0, "again");
        return a.words();
    }

    static int[] program(String name) {
        switch (name) {
            case "mixed": return InterpreterBench.mixedLoop();
            case "sieve": return sieve();
            case "crc32": return crc32();
            case "matmul": return matmul();
            default: throw new IllegalArgumentException("unknown workload " + name);
        }
    }

    /** A machine with program loaded at CODE and 32 data pages at DATA mapped writable. */
    static Machine machine(String workload) {
        Machine m = new Machine(16 << 20, 1, new Console(OutputStream.nullOutputStream(), InputStream.nullInputStream()));
        m.setTrapHandler((mm, cause, epc, bad) -> {
            throw new IllegalStateException(workload + " trapped: " + cause + " at 0x" + Integer.toHexString(epc));
        });
        int[] code = program(workload);
        for (int i = 0; i < code.length; i++) m.memory.writeWord(CODE + 4 * i, code[i]);
        m.tlb.write(0, Pages.number(CODE), 0, Pages.number(CODE), Tlb.VALID | Tlb.EXECUTABLE);
        for (int p = 0; p < 32; p++) m.tlb.write(1 + p, Pages.number(DATA) - 1 + p, 0, Pages.number(DATA) - 1 + p, Tlb.VALID | Tlb.WRITABLE);
        for (int i = 0; i < CRC_BYTES; i += 4) m.memory.writeWord(DATA + i, i * 0x9E3779B9 + 12345);
        m.cpu.pc = CODE;
        return m;
    }
}
