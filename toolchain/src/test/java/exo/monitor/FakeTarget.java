package exo.monitor;

import exo.emulator.interp.Interpreter;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.machine.Cause;
import exo.emulator.machine.Console;
import exo.emulator.machine.Machine;
import exo.emulator.machine.Tlb;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A small debug target for monitor tests: a hand-encoded program at 0x1000 with symbols and a
 * line table, on a machine whose stand-in kernel identity-maps pages on TLB misses, prints a0 as
 * a character on syscall 1, halts on syscall 0 (exit a0), and resumes after break.
 */
final class FakeTarget implements DebugTarget {
    static final int MAIN = 0x1000, F = 0x1018, DATA = 0x8000;
    static final String[] SOURCE = {
        "main: li a0, 5", "      call f", "      mv a1, a0", "      sw a1, 0(gp)", "      li a7, 0", "      syscall",
        "f:    addi a0, a0, 1", "      ret",
    };
    static final int[] PROGRAM = {
        Opcode.ADDI.encode(Register.A0, 0, 5),
        Opcode.JAL.encode(Register.RA, F - 0x1004),
        Opcode.ADDI.encode(Register.A1, Register.A0, 0),
        Opcode.SW.encode(Register.A1, 0, Register.GP),
        Opcode.ADDI.encode(Register.A7, 0, 0),
        Opcode.SYSCALL.encode(0),
        Opcode.ADDI.encode(Register.A0, Register.A0, 1),
        Opcode.JALR.encode(0, 0, Register.RA),
    };
    /** Source line of each instruction, in the order of PROGRAM. */
    static final int[] LINES = {1, 2, 3, 4, 5, 6, 7, 8};

    private final Machine machine;
    private Integer exit;

    FakeTarget(InputStream in, OutputStream out) {
        machine = new Machine(1 << 20, 7, new Console(out, in));
        machine.setEngine(new Interpreter());
        for (int i = 0; i < PROGRAM.length; i++) machine.memory.writeWord(MAIN + 4 * i, PROGRAM[i]);
        machine.cpu.pc = MAIN;
        machine.cpu.regs[Register.GP] = DATA;
        machine.cpu.regs[Register.SP] = 0x20000;
        machine.setTrapHandler((m, cause, epc, bad) -> {
            switch (cause) {
                case TLB_MISS_LOAD: case TLB_MISS_STORE: case TLB_MISS_FETCH:
                    if (Integer.compareUnsigned(bad, 0x40000) < 0) {
                        m.tlb.writeReplacing(bad >>> 12, 0, bad >>> 12, Tlb.VALID | Tlb.WRITABLE | Tlb.EXECUTABLE);
                        return;
                    }
                    exit = -1;
                    m.halt();
                    return;
                case SYSCALL:
                    if (m.cpu.regs[Register.A7] == 0) {
                        exit = m.cpu.regs[Register.A0];
                        m.halt();
                    } else {
                        m.console().write(m.cpu.regs[Register.A0]);
                        m.cpu.pc = epc + 4;
                    }
                    return;
                case BREAK:
                    m.cpu.pc = epc + 4;
                    return;
                default:
                    exit = -2;
                    m.halt();
            }
        });
    }

    @Override
    public Machine machine() {
        return machine;
    }

    /** The stand-in kernel maps every page below 0x40000 to itself, whether or not the TLB holds it now. */
    @Override
    public int translate(int va) {
        return Integer.compareUnsigned(va, 0x40000) < 0 ? va : -1;
    }

    @Override
    public String exitSummary() {
        return exit == null ? "running" : "exited with status " + exit;
    }

    @Override
    public Map<String, Supplier<String>> kernelViews() {
        return Map.of("envs", () -> "env 1 running\n");
    }

    @Override
    public DebugInfo debugInfo() {
        TreeMap<Integer, String> syms = new TreeMap<>(Map.of(MAIN, "main", F, "f", DATA, "data"));
        return new DebugInfo() {
            @Override public Integer addressOf(String symbol) {
                for (Map.Entry<Integer, String> e : syms.entrySet()) if (e.getValue().equals(symbol)) return e.getKey();
                return null;
            }
            @Override public String symbolAt(int address) {
                Map.Entry<Integer, String> e = syms.floorEntry(address);
                return e == null ? null : e.getValue();
            }
            @Override public int symbolAddress(int address) {
                Map.Entry<Integer, String> e = syms.floorEntry(address);
                return e == null ? 0 : e.getKey();
            }
            @Override public Location lineOf(int address) {
                int i = (address - MAIN) / 4;
                return address >= MAIN && i < LINES.length ? new Location("fake.s", LINES[i]) : null;
            }
            @Override public Integer addressOfLine(String file, int line) {
                if (!file.equals("fake.s")) return null;
                for (int i = 0; i < LINES.length; i++) if (LINES[i] == line) return MAIN + 4 * i;
                return null;
            }
            @Override public List<String> source(String file) {
                return file.equals("fake.s") ? List.of(SOURCE) : List.of();
            }
            @Override public Collection<String> symbols() {
                return syms.values();
            }
            @Override public List<Location> codeLines() {
                List<Location> l = new java.util.ArrayList<>();
                for (int line : LINES) l.add(new Location("fake.s", line));
                return l;
            }
        };
    }
}
