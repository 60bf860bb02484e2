package exo.kernel.mem;

import exo.emulator.isa.Alu;
import exo.emulator.isa.Decoder;
import exo.emulator.isa.Family;
import exo.emulator.isa.Format;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Register;
import exo.emulator.isa.Width;
import exo.emulator.machine.Pages;
import exo.emulator.machine.PhysicalMemory;
import exo.kernel.env.Environment;
import exo.os.CostModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.EnumMap;
import java.util.Map;

/**
 * A downloaded TLB-miss handler: application code the kernel runs itself on a miss the STLB and
 * the guaranteed mappings cannot fill, before forwarding it — the application's own page-table
 * lookup, with no upcall and no register saved, as the exokernel paper proposes ("all of these
 * operations can be sped up by downloading application code into the kernel").
 *
 * <p>The code is a restricted subset of the ISA, checked once, when it is installed
 * ({@link #verify}); it is copied into the kernel then, so the application cannot change it
 * afterwards. The rules, each refused with its own {@link Rule}:
 * <ul>
 *   <li>1 to {@value #MAX_INSTRUCTIONS} instructions ({@link Rule#SIZE});</li>
 *   <li>only ALU instructions that cannot trap (no addo, subo, addio, div, divu, rem, remu),
 *       {@code lw}, conditional branches, and {@code ret} ({@code jalr zero, 0(ra)}): no
 *       stores, counters, jumps, kernel calls or breakpoints ({@link Rule#INSTRUCTION});</li>
 *   <li>every branch goes forward, to an instruction of the handler ({@link Rule#BRANCH}), so a
 *       run executes each instruction at most once: at most {@value #MAX_INSTRUCTIONS};</li>
 *   <li>the last instruction is {@code ret} ({@link Rule#END}), so no run falls off the end.</li>
 * </ul>
 * Memory is checked when the code runs: a load must be word-aligned and fall in one of the
 * installing environment's guaranteed mappings (its page table lives there); any other load
 * abandons the run, and the miss is forwarded as if there were no handler.
 *
 * <p>The protocol: the handler starts with a0 = the faulting address, a1 = the cause, every
 * other register zero, in a register file of its own (the environment's registers are not
 * touched). It ends with {@code ret}: a0 = 0 declines (the miss is forwarded); otherwise a1 =
 * the physical page, a2/a3 = its capability, a4 = the TLB flags, and the kernel makes the TLB
 * write exactly as {@code tlb_write} would, capability check included; a refused write is
 * forwarded too. The cost model charges {@link CostModel#HANDLER_INSTRUCTION} per instruction
 * run and a table touch per load, besides the TLB write.
 */
public final class MissHandler {
    /** The most instructions a handler may have (and so may run). */
    public static final int MAX_INSTRUCTIONS = 256;

    /** What {@link #verify} refuses, with the code the guest sees in a2. */
    public enum Rule {
        SIZE(1, "the handler is empty or longer than " + MAX_INSTRUCTIONS + " instructions"),
        INSTRUCTION(2, "an instruction outside the subset (stores, counters, jumps, kernel calls, trapping ALU rows)"),
        BRANCH(3, "a branch that does not go forward to an instruction of the handler"),
        END(4, "the last instruction is not ret (jalr zero, 0(ra))");

        public final int code;
        public final String meaning;

        Rule(int code, String meaning) {
            this.code = code;
            this.meaning = meaning;
        }
    }

    /** A refused handler: the rule it breaks and the index of the instruction that breaks it. */
    public static final class Refusal extends Exception {
        public final Rule rule;
        public final int index;

        Refusal(Rule rule, int index) {
            super(rule + " at instruction " + index, null, false, false);
            this.rule = rule;
            this.index = index;
        }
    }

    /** What a run decided. */
    public enum Outcome { INSTALL, DECLINE, ABANDON }

    private static final int K_ALU1 = 0, K_ALU2 = 1, K_LOAD = 2, K_BRANCH = 3, K_RET = 4;
    private static final Map<Opcode, MethodHandle> OPERATIONS = new EnumMap<>(Opcode.class);
    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (Opcode op : Opcode.values()) {
            if (op.family != Family.ALU || op.trapCheck != null) continue;
            MethodType t = MethodType.fromMethodDescriptorString(op.operation.descriptor(), Alu.class.getClassLoader());
            try {
                OPERATIONS.put(op, lookup.findStatic(Alu.class, op.operation.name(), t));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(op + ": " + op.operation + " cannot be called", e);
            }
        }
    }

    private final int[] kind, rd, rs1, rs2, imm, target;
    private final Opcode[] op;
    private final MethodHandle[] operation;
    private final int[] regs = new int[32];
    /** ppn, capability low, capability high, flags: what the last run asked to install. */
    public final int[] result = new int[4];

    private MissHandler(int n) {
        kind = new int[n];
        rd = new int[n];
        rs1 = new int[n];
        rs2 = new int[n];
        imm = new int[n];
        target = new int[n];
        op = new Opcode[n];
        operation = new MethodHandle[n];
    }

    /** Checks code against the rules and predecodes it; the words are the kernel's copy. */
    public static MissHandler verify(int[] code) throws Refusal {
        int n = code.length;
        if (n < 1 || n > MAX_INSTRUCTIONS) throw new Refusal(Rule.SIZE, 0);
        MissHandler h = new MissHandler(n);
        for (int i = 0; i < n; i++) {
            int w = code[i];
            Opcode o = Decoder.decode(w);
            h.op[i] = o;
            if (o == null) throw new Refusal(Rule.INSTRUCTION, i);
            switch (o.family) {
                case ALU:
                    if (o.trapCheck != null) throw new Refusal(Rule.INSTRUCTION, i);
                    h.operation[i] = OPERATIONS.get(o);
                    h.kind[i] = o.sources.size() == 1 ? K_ALU1 : K_ALU2;
                    h.rd[i] = Format.a(w);
                    h.rs1[i] = Format.b(w);
                    h.rs2[i] = Format.c(w);
                    h.imm[i] = o.format.immediate(w);
                    if (o.format != Format.R) h.rs2[i] = -1;
                    break;
                case LOAD:
                    if (o.width != Width.WORD) throw new Refusal(Rule.INSTRUCTION, i);
                    h.kind[i] = K_LOAD;
                    h.rd[i] = Format.a(w);
                    h.rs1[i] = Format.b(w);
                    h.imm[i] = Format.simm16(w);
                    break;
                case BRANCH: {
                    int off = Format.off16Bytes(w) / 4;
                    if (off <= 0 || i + off >= n) throw new Refusal(Rule.BRANCH, i);
                    h.kind[i] = K_BRANCH;
                    h.rs1[i] = Format.a(w);
                    h.rs2[i] = Format.b(w);
                    h.target[i] = i + off;
                    break;
                }
                case JUMP_REGISTER:
                    if (Format.a(w) != Register.ZERO || Format.b(w) != Register.RA || Format.simm16(w) != 0) {
                        throw new Refusal(Rule.INSTRUCTION, i);
                    }
                    h.kind[i] = K_RET;
                    break;
                default:
                    throw new Refusal(Rule.INSTRUCTION, i);
            }
        }
        if (h.kind[n - 1] != K_RET) throw new Refusal(Rule.END, n - 1);
        return h;
    }

    /** Instructions in the handler. */
    public int size() {
        return kind.length;
    }

    /**
     * Runs the handler for e's miss at va: INSTALL with {@link #result} filled, DECLINE, or
     * ABANDON (a load outside e's guaranteed mappings, or misaligned). Charges every
     * instruction run and a table touch per load.
     */
    public Outcome run(Environment e, int va, int cause, PhysicalMemory physical, CostModel cost) {
        int[] r = regs;
        java.util.Arrays.fill(r, 0);
        r[Register.A0] = va;
        r[Register.A0 + 1] = cause;
        int executed = 0;
        try {
            for (int i = 0; ; ) {
                executed++;
                switch (kind[i]) {
                    case K_ALU1:
                        set(r, rd[i], (int) operation[i].invokeExact(imm[i]));
                        i++;
                        break;
                    case K_ALU2:
                        set(r, rd[i], (int) operation[i].invokeExact(r[rs1[i]], rs2[i] < 0 ? imm[i] : r[rs2[i]]));
                        i++;
                        break;
                    case K_LOAD: {
                        int a = r[rs1[i]] + imm[i];
                        cost.charge(CostModel.TABLE_TOUCH);
                        Environment.Guaranteed g = e.guaranteed.get(Pages.number(a));
                        if ((a & 3) != 0 || g == null) return Outcome.ABANDON;
                        set(r, rd[i], physical.readWord(Pages.address(g.ppn(), Pages.offset(a))));
                        i++;
                        break;
                    }
                    case K_BRANCH:
                        i = holds(op[i], r[rs1[i]], r[rs2[i]]) ? target[i] : i + 1;
                        break;
                    default:
                        if (r[Register.A0] == 0) return Outcome.DECLINE;
                        result[0] = r[Register.A0 + 1];
                        result[1] = r[Register.A0 + 2];
                        result[2] = r[Register.A0 + 3];
                        result[3] = r[Register.A0 + 4];
                        return Outcome.INSTALL;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("downloaded handler: an ALU method failed", t);
        } finally {
            cost.charge(executed * CostModel.HANDLER_INSTRUCTION);
        }
    }

    private static void set(int[] r, int reg, int v) {
        if (reg != 0) r[reg] = v;
    }

    private static boolean holds(Opcode o, int a, int b) {
        switch (o.cond) {
            case EQ: return a == b;
            case NE: return a != b;
            case LT: return a < b;
            case GE: return a >= b;
            case LTU: return Integer.compareUnsigned(a, b) < 0;
            default: return Integer.compareUnsigned(a, b) >= 0;
        }
    }
}
