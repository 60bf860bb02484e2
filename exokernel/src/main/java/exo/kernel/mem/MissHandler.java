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
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
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
 *
 * <p>A verified handler is compiled to JVM bytecode with ASM (a hidden class, collected with the
 * handler): one basic block per instruction, branches as JVM branches, each ALU row's own
 * {@link Alu} method called, loads through {@link #load}. The interpreter below is the
 * reference it is tested against ({@code MissHandlerTest}).
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

    /** A compiled handler: runs over the register file, returns the instructions it ran. */
    public interface Body {
        int run(int[] regs, MissHandler h);
    }

    /** Thrown by {@link #load} to abandon a run (a load outside the guaranteed mappings). */
    static final class Abandon extends RuntimeException {
        static final Abandon INSTANCE = new Abandon();

        private Abandon() {
            super("abandoned", null, false, false);
        }
    }

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
    private Body body;
    /** The run in progress: whose memory a load reads, and what it is charged to. */
    private Environment env;
    private PhysicalMemory physical;
    private CostModel cost;
    /** Instructions run up to the load in progress (for an abandoned run, which is charged for them). */
    public int executed;

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

    /** Checks code against the rules, predecodes and compiles it; the words are the kernel's copy. */
    public static MissHandler verify(int[] code) throws Refusal {
        return verify(code, true);
    }

    /** The same; compiled false keeps the handler interpreted (the reference, for tests). */
    public static MissHandler verify(int[] code, boolean compiled) throws Refusal {
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
        if (compiled) h.body = h.compile();
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
        Arrays.fill(r, 0);
        r[Register.A0] = va;
        r[Register.A0 + 1] = cause;
        this.env = e;
        this.physical = physical;
        this.cost = cost;
        int ran;
        try {
            ran = body != null ? body.run(r, this) : interpret(r);
        } catch (Abandon a) {
            cost.charge(executed * CostModel.HANDLER_INSTRUCTION);
            return Outcome.ABANDON;
        }
        cost.charge(ran * CostModel.HANDLER_INSTRUCTION);
        if (r[Register.A0] == 0) return Outcome.DECLINE;
        result[0] = r[Register.A0 + 1];
        result[1] = r[Register.A0 + 2];
        result[2] = r[Register.A0 + 3];
        result[3] = r[Register.A0 + 4];
        return Outcome.INSTALL;
    }

    /**
     * The word at a for the run in progress, charging a table touch: a must be word-aligned and
     * in one of the environment's guaranteed mappings, else the run is abandoned.
     */
    public int load(int a) {
        cost.charge(CostModel.TABLE_TOUCH);
        Environment.Guaranteed g = env.guaranteed.get(Pages.number(a));
        if ((a & 3) != 0 || g == null) throw Abandon.INSTANCE;
        return physical.readWord(Pages.address(g.ppn(), Pages.offset(a)));
    }

    /** Runs the predecoded code; returns the instructions run. */
    private int interpret(int[] r) {
        int n = 0;
        try {
            for (int i = 0; ; ) {
                n++;
                switch (kind[i]) {
                    case K_ALU1:
                        set(r, rd[i], (int) operation[i].invokeExact(imm[i]));
                        i++;
                        break;
                    case K_ALU2:
                        set(r, rd[i], (int) operation[i].invokeExact(r[rs1[i]], rs2[i] < 0 ? imm[i] : r[rs2[i]]));
                        i++;
                        break;
                    case K_LOAD:
                        executed = n;
                        set(r, rd[i], load(r[rs1[i]] + imm[i]));
                        i++;
                        break;
                    case K_BRANCH:
                        i = holds(op[i], r[rs1[i]], r[rs2[i]]) ? target[i] : i + 1;
                        break;
                    default:
                        return n;
                }
            }
        } catch (Abandon a) {
            throw a;
        } catch (Throwable t) {
            throw new IllegalStateException("downloaded handler: an ALU method failed", t);
        }
    }

    private static final String SELF = "exo/kernel/mem/MissHandler";

    /**
     * The handler as a hidden class implementing {@link Body}: local 1 the register file, 2 this
     * handler, 3 the instructions run so far. Every branch goes forward, so the code has no loop.
     */
    private Body compile() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        String name = SELF + "Code";
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SYNTHETIC, name, null, "java/lang/Object", new String[] {SELF + "$Body"});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor m = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "([IL" + SELF + ";)I", null, null);
        m.visitCode();
        int n = kind.length;
        Label[] at = new Label[n];
        for (int i = 0; i < n; i++) at[i] = new Label();
        m.visitInsn(Opcodes.ICONST_0);
        m.visitVarInsn(Opcodes.ISTORE, 3);
        for (int i = 0; i < n; i++) {
            m.visitLabel(at[i]);
            m.visitIincInsn(3, 1);
            switch (kind[i]) {
                case K_ALU1:
                case K_ALU2:
                    if (rd[i] == 0) break;              // no effect: ALU rows without a trap check are pure
                    m.visitVarInsn(Opcodes.ALOAD, 1);
                    m.visitLdcInsn(rd[i]);
                    if (kind[i] == K_ALU2) register(m, rs1[i]);
                    if (kind[i] == K_ALU1 || rs2[i] < 0) m.visitLdcInsn(imm[i]);
                    else register(m, rs2[i]);
                    m.visitMethodInsn(Opcodes.INVOKESTATIC, op[i].operation.owner(), op[i].operation.name(), op[i].operation.descriptor(), false);
                    m.visitInsn(Opcodes.IASTORE);
                    break;
                case K_LOAD:
                    m.visitVarInsn(Opcodes.ALOAD, 2);   // executed = instructions so far, this one too
                    m.visitVarInsn(Opcodes.ILOAD, 3);
                    m.visitFieldInsn(Opcodes.PUTFIELD, SELF, "executed", "I");
                    if (rd[i] != 0) {
                        m.visitVarInsn(Opcodes.ALOAD, 1);
                        m.visitLdcInsn(rd[i]);
                    }
                    m.visitVarInsn(Opcodes.ALOAD, 2);
                    register(m, rs1[i]);
                    m.visitLdcInsn(imm[i]);
                    m.visitInsn(Opcodes.IADD);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, SELF, "load", "(I)I", false);
                    m.visitInsn(rd[i] != 0 ? Opcodes.IASTORE : Opcodes.POP);
                    break;
                case K_BRANCH:
                    register(m, rs1[i]);
                    register(m, rs2[i]);
                    branch(m, op[i], at[target[i]]);
                    break;
                default:
                    m.visitVarInsn(Opcodes.ILOAD, 3);
                    m.visitInsn(Opcodes.IRETURN);
                    break;
            }
        }
        m.visitMaxs(0, 0);
        m.visitEnd();
        cw.visitEnd();
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(cw.toByteArray(), true);
            return (Body) hidden.lookupClass().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("downloaded handler: its compiled code failed to load: " + e, e);
        }
    }

    /** Pushes register reg's value (r0 is always 0). */
    private static void register(MethodVisitor m, int reg) {
        if (reg == 0) {
            m.visitInsn(Opcodes.ICONST_0);
            return;
        }
        m.visitVarInsn(Opcodes.ALOAD, 1);
        m.visitLdcInsn(reg);
        m.visitInsn(Opcodes.IALOAD);
    }

    /** Branches to target if the row's condition holds between the two ints on the stack. */
    private static void branch(MethodVisitor m, Opcode o, Label target) {
        switch (o.cond) {
            case EQ: m.visitJumpInsn(Opcodes.IF_ICMPEQ, target); break;
            case NE: m.visitJumpInsn(Opcodes.IF_ICMPNE, target); break;
            case LT: m.visitJumpInsn(Opcodes.IF_ICMPLT, target); break;
            case GE: m.visitJumpInsn(Opcodes.IF_ICMPGE, target); break;
            default:
                m.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "compareUnsigned", "(II)I", false);
                m.visitJumpInsn(o.cond == exo.emulator.isa.Cond.LTU ? Opcodes.IFLT : Opcodes.IFGE, target);
                break;
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
