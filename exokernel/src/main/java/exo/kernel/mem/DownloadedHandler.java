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
 * Downloaded code: application code the kernel runs itself, in a register file of its own,
 * instead of forwarding a trap — as the exokernel paper proposes ("all of these operations can
 * be sped up by downloading application code into the kernel"). Two kinds ({@link Kind}):
 * <ul>
 *   <li>{@link Kind#MISS}, a TLB-miss handler: the application's own page-table lookup, run on a
 *       miss the STLB and the guaranteed mappings cannot fill. It starts with a0 = the faulting
 *       address, a1 = the cause; it ends with {@code ret}: a0 = 0 declines (the miss is
 *       forwarded); otherwise a1 = the physical page, a2/a3 = its capability, a4 = the TLB flags,
 *       and the kernel makes the TLB write exactly as {@code tlb_write} would, capability check
 *       included; a refused write is forwarded too. Loads only ({@code lw}), and only from the
 *       installing environment's guaranteed mappings (its page table lives there).</li>
 *   <li>{@link Kind#EXCEPTION}, an exception handler for one cause (an unaligned access it
 *       emulates, say): it starts with a0 = BADVADDR, a1 = the cause, a2 = EPC, a3 =
 *       {@value #REGS} (the address of the interrupted registers: r0..r31 are the words at
 *       {@code REGS + 4*n}); it ends with {@code ret}: a0 = the PC to resume at, or 0 to decline
 *       (the exception is forwarded). Loads and stores of every width, naturally aligned,
 *       through the environment's own bindings (TLB, STLB, guaranteed mappings) with their
 *       rights, or word accesses to the register window. Stores take effect only when the
 *       handler resumes the environment, all at once (a load in the same run sees memory as it
 *       was); a declined or abandoned run leaves memory and registers as they were.</li>
 * </ul>
 *
 * <p>The code is checked once, when it is installed ({@link #verify}); it is copied into the
 * kernel then, so the application cannot change it afterwards. The rules, each refused with its
 * own {@link Rule}:
 * <ul>
 *   <li>1 to {@value #MAX_INSTRUCTIONS} instructions ({@link Rule#SIZE});</li>
 *   <li>only ALU instructions that cannot trap (no addo, subo, addio, div, divu, rem, remu),
 *       the kind's memory instructions, conditional branches, and {@code ret}
 *       ({@code jalr zero, 0(ra)}): no counters, jumps, kernel calls or breakpoints
 *       ({@link Rule#INSTRUCTION});</li>
 *   <li>every branch goes forward, to an instruction of the handler ({@link Rule#BRANCH}), so a
 *       run executes each instruction at most once: at most {@value #MAX_INSTRUCTIONS};</li>
 *   <li>the last instruction is {@code ret} ({@link Rule#END}), so no run falls off the end.</li>
 * </ul>
 * Memory is checked when the code runs: an access outside what the kind allows, or misaligned,
 * abandons the run, which is then forwarded as if there were no handler. So downloaded code can
 * only ever do what the environment could do itself. The cost model charges
 * {@link CostModel#HANDLER_INSTRUCTION} per instruction run and a table touch per memory access
 * (the register window's words are registers, not memory: no touch).
 *
 * <p>A verified handler is compiled to JVM bytecode with ASM (a hidden class, shared by every
 * handler with the same words through a bounded cache, and collected once none holds it): one basic block per instruction, branches as JVM branches, each ALU row's own
 * {@link Alu} method called, memory through {@link #load} and {@link #store}. The interpreter
 * below is the reference it is tested against ({@code MissHandlerTest},
 * {@code DownloadedExceptionTest}).
 */
public final class DownloadedHandler {
    /** The most instructions a handler may have (and so may run). */
    public static final int MAX_INSTRUCTIONS = 256;
    /**
     * Where an exception handler finds the interrupted registers: r0..r31 are the words at
     * REGS + 4*n. The address lies in the kernel's half, which no guest binding can cover, so it
     * names nothing else; r0 reads 0 and ignores writes.
     */
    public static final int REGS = 0xFFFF_FF80;

    /** What the code is downloaded for: the memory instructions it may use follow from it. */
    public enum Kind {
        /** A TLB-miss handler (env_set_miss_handler): lw from guaranteed mappings only. */
        MISS,
        /** An exception handler for one cause (env_set_exc_handler): loads and stores of every width. */
        EXCEPTION
    }

    /** What {@link #verify} refuses, with the code the guest sees in a2. */
    public enum Rule {
        SIZE(1, "the handler is empty or longer than " + MAX_INSTRUCTIONS + " instructions"),
        INSTRUCTION(2, "an instruction outside the subset (counters, jumps, kernel calls, trapping ALU rows; in a miss handler stores and narrow loads)"),
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

    /** What a run decided: INSTALL (a miss handler's TLB write) or RESUME (an exception handler's), DECLINE, ABANDON. */
    public enum Outcome { INSTALL, RESUME, DECLINE, ABANDON }

    /** A compiled handler: runs over the register file, returns the instructions it ran. */
    public interface Body {
        int run(int[] regs, DownloadedHandler h);
    }

    /** Thrown by {@link #load} and {@link #store} to abandon a run (an access the kind does not allow). */
    static final class Abandon extends RuntimeException {
        static final Abandon INSTANCE = new Abandon();

        private Abandon() {
            super("abandoned", null, false, false);
        }
    }

    private static final int K_ALU1 = 0, K_ALU2 = 1, K_LOAD = 2, K_BRANCH = 3, K_RET = 4, K_STORE = 5;
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

    public final Kind kind;
    private final int[] step, rd, rs1, rs2, imm, target, access;
    private final Opcode[] op;
    private final MethodHandle[] operation;
    private final int[] regs = new int[32];
    /**
     * What the last run asked for: a miss handler's ppn, capability low, capability high, flags
     * (a1..a4); an exception handler's a0..a6 at {@link #RESUME_PC} .. {@link #OTHER_PAGE}.
     */
    public final int[] result = new int[7];
    /**
     * An exception handler's outcome in {@link #result}: the PC to resume at (a0); its binding
     * requests, which {@link #commit} does not apply (the kernel guards and applies them): the
     * faulting page's TLB entry when a5 is not 0 ({@link #INSTALL}: ppn a1, capability a2/a3,
     * flags a4, as a miss handler asks), and one more operation on another page of the
     * environment's (a6: page | TLBOP_FLUSH or TLBOP_PROTECT, 0 for none).
     */
    public static final int RESUME_PC = 0, INSTALL_PPN = 1, INSTALL_CAP_LO = 2, INSTALL_CAP_HI = 3, INSTALL_FLAGS = 4,
            INSTALL = 5, OTHER_PAGE = 6;
    private Body body;
    /** The run in progress: whose memory it reaches, and what it is charged to. */
    private Environment env;
    private PhysicalMemory physical;
    private Memory memory;
    private CostModel cost;
    /** An exception handler's copy of the interrupted registers (the window at {@link #REGS}). */
    private final int[] window = new int[32];
    /** An exception handler's stores, applied when it resumes: physical address, width in bytes, value. */
    private final int[] storePa = new int[MAX_INSTRUCTIONS], storeWidth = new int[MAX_INSTRUCTIONS], storeValue = new int[MAX_INSTRUCTIONS];
    private int stores;
    /** Instructions run up to the access in progress (for an abandoned run, which is charged for them). */
    public int executed;

    private DownloadedHandler(Kind kind, int n) {
        this.kind = kind;
        step = new int[n];
        rd = new int[n];
        rs1 = new int[n];
        rs2 = new int[n];
        imm = new int[n];
        target = new int[n];
        access = new int[n];
        op = new Opcode[n];
        operation = new MethodHandle[n];
    }

    /** Checks a TLB-miss handler against the rules, predecodes and compiles it; the words are the kernel's copy. */
    public static DownloadedHandler verify(int[] code) throws Refusal {
        return verify(code, Kind.MISS, true);
    }

    /** The same; compiled false keeps the handler interpreted (the reference, for tests). */
    public static DownloadedHandler verify(int[] code, boolean compiled) throws Refusal {
        return verify(code, Kind.MISS, compiled);
    }

    /** Checks code of the kind against the rules, predecodes it, and compiles it unless compiled is false. */
    public static DownloadedHandler verify(int[] code, Kind kind, boolean compiled) throws Refusal {
        int n = code.length;
        if (n < 1 || n > MAX_INSTRUCTIONS) throw new Refusal(Rule.SIZE, 0);
        DownloadedHandler h = new DownloadedHandler(kind, n);
        for (int i = 0; i < n; i++) {
            int w = code[i];
            Opcode o = Decoder.decode(w);
            h.op[i] = o;
            if (o == null) throw new Refusal(Rule.INSTRUCTION, i);
            switch (o.family) {
                case ALU:
                    if (o.trapCheck != null) throw new Refusal(Rule.INSTRUCTION, i);
                    h.operation[i] = OPERATIONS.get(o);
                    h.step[i] = o.sources.size() == 1 ? K_ALU1 : K_ALU2;
                    h.rd[i] = Format.a(w);
                    h.rs1[i] = Format.b(w);
                    h.rs2[i] = Format.c(w);
                    h.imm[i] = o.format.immediate(w);
                    if (o.format != Format.R) h.rs2[i] = -1;
                    break;
                case LOAD:
                case STORE:
                    if (kind == Kind.MISS && (o.family == Family.STORE || o.width != Width.WORD)) throw new Refusal(Rule.INSTRUCTION, i);
                    h.step[i] = o.family == Family.LOAD ? K_LOAD : K_STORE;
                    h.rd[i] = Format.a(w);              // the loaded register, or the stored one
                    h.rs1[i] = Format.b(w);
                    h.imm[i] = Format.simm16(w);
                    h.access[i] = o.family == Family.LOAD && !o.signed ? -o.width.bytes : o.width.bytes;
                    break;
                case BRANCH: {
                    int off = Format.off16Bytes(w) / 4;
                    if (off <= 0 || i + off >= n) throw new Refusal(Rule.BRANCH, i);
                    h.step[i] = K_BRANCH;
                    h.rs1[i] = Format.a(w);
                    h.rs2[i] = Format.b(w);
                    h.target[i] = i + off;
                    break;
                }
                case JUMP_REGISTER:
                    if (Format.a(w) != Register.ZERO || Format.b(w) != Register.RA || Format.simm16(w) != 0) {
                        throw new Refusal(Rule.INSTRUCTION, i);
                    }
                    h.step[i] = K_RET;
                    break;
                default:
                    throw new Refusal(Rule.INSTRUCTION, i);
            }
        }
        if (h.step[n - 1] != K_RET) throw new Refusal(Rule.END, n - 1);
        if (compiled) h.body = COMPILED.body(code, h);
        return h;
    }

    /** The compiled body, or null for a handler kept interpreted. */
    Body compiled() {
        return body;
    }

    /** Instructions in the handler. */
    public int size() {
        return step.length;
    }

    /**
     * Runs a miss handler for e's miss at va: INSTALL with {@link #result} filled, DECLINE, or
     * ABANDON (a load outside e's guaranteed mappings, or misaligned). Charges every
     * instruction run and a table touch per load.
     */
    public Outcome run(Environment e, int va, int cause, PhysicalMemory physical, CostModel cost) {
        if (kind != Kind.MISS) throw new IllegalStateException("an exception handler run as a miss handler");
        int[] r = regs;
        Arrays.fill(r, 0);
        r[Register.A0] = va;
        r[Register.A0 + 1] = cause;
        this.env = e;
        this.physical = physical;
        this.cost = cost;
        if (!execute(r)) return Outcome.ABANDON;
        if (r[Register.A0] == 0) return Outcome.DECLINE;
        result[0] = r[Register.A0 + 1];
        result[1] = r[Register.A0 + 2];
        result[2] = r[Register.A0 + 3];
        result[3] = r[Register.A0 + 4];
        return Outcome.INSTALL;
    }

    /**
     * Runs an exception handler for e's exception (cause at epc, badVaddr) over a copy of its
     * registers envRegs: RESUME with the outcome in {@link #result} (the handler's stores, to
     * memory and to the register window, are then pending until {@link #commit}), DECLINE or
     * ABANDON. Nothing of e's changes here. Charges every instruction run and a table touch per
     * memory access.
     */
    public Outcome runException(Environment e, int[] envRegs, int cause, int epc, int badVaddr, Memory memory,
                                PhysicalMemory physical, CostModel cost) {
        if (kind != Kind.EXCEPTION) throw new IllegalStateException("a miss handler run as an exception handler");
        int[] r = regs;
        Arrays.fill(r, 0);
        r[Register.A0] = badVaddr;
        r[Register.A0 + 1] = cause;
        r[Register.A0 + 2] = epc;
        r[Register.A0 + 3] = REGS;
        System.arraycopy(envRegs, 0, window, 0, window.length);
        window[0] = 0;
        stores = 0;
        this.env = e;
        this.memory = memory;
        this.physical = physical;
        this.cost = cost;
        if (!execute(r)) return Outcome.ABANDON;
        if (r[Register.A0] == 0) return Outcome.DECLINE;
        System.arraycopy(r, Register.A0, result, RESUME_PC, result.length);
        return Outcome.RESUME;
    }

    /**
     * Applies the stores of the exception run that last answered RESUME, to memory and to envRegs
     * (the environment's registers), all at once.
     */
    public void commit(int[] envRegs) {
        for (int i = 0; i < stores; i++) {
            int pa = storePa[i], v = storeValue[i];
            if (storeWidth[i] == 4) physical.writeWord(pa, v);
            else if (storeWidth[i] == 2) physical.writeHalf(pa, v);
            else physical.writeByte(pa, v);
        }
        System.arraycopy(window, 1, envRegs, 1, window.length - 1);
    }

    /** Runs the code compiled or interpreted, charging what it ran; false if it was abandoned. */
    private boolean execute(int[] r) {
        int ran;
        try {
            ran = body != null ? body.run(r, this) : interpret(r);
        } catch (Abandon a) {
            cost.charge(executed * CostModel.HANDLER_INSTRUCTION);
            return false;
        }
        cost.charge(ran * CostModel.HANDLER_INSTRUCTION);
        return true;
    }

    /**
     * The value at a for the run in progress (access: the width in bytes, negated for an
     * unsigned load), charging a table touch for memory: a must be aligned to the width and be
     * what the kind may read, else the run is abandoned.
     */
    public int load(int a, int access) {
        int width = Math.abs(access);
        if ((a & (width - 1)) != 0) throw Abandon.INSTANCE;
        if (kind == Kind.EXCEPTION && a - REGS >= 0 && a - REGS < 4 * window.length) {
            if (width != 4) throw Abandon.INSTANCE;
            return window[(a - REGS) >> 2];
        }
        cost.charge(CostModel.TABLE_TOUCH);
        int pa;
        if (kind == Kind.MISS) {
            Environment.Guaranteed g = env.guaranteed.get(Pages.number(a));
            if (g == null) throw Abandon.INSTANCE;
            pa = Pages.address(g.ppn(), Pages.offset(a));
        } else {
            pa = memory.peek(env, a, false);
            if (pa == Memory.UNMAPPED) throw Abandon.INSTANCE;
        }
        switch (access) {
            case 4: return physical.readWord(pa);
            case 2: return physical.readHalf(pa);
            case -2: return physical.readHalfUnsigned(pa);
            case 1: return physical.readByte(pa);
            default: return physical.readByteUnsigned(pa);
        }
    }

    /**
     * Records a store of v's low width bytes at a for the run in progress (applied when it
     * resumes), charging a table touch for memory: a must be aligned to the width and writable
     * through e's bindings, or a word of the register window, else the run is abandoned.
     */
    public void store(int a, int width, int v) {
        if ((a & (width - 1)) != 0) throw Abandon.INSTANCE;
        if (a - REGS >= 0 && a - REGS < 4 * window.length) {
            if (width != 4) throw Abandon.INSTANCE;
            int n = (a - REGS) >> 2;
            if (n != 0) window[n] = v;
            return;
        }
        cost.charge(CostModel.TABLE_TOUCH);
        int pa = memory.peek(env, a, true);
        if (pa == Memory.UNMAPPED) throw Abandon.INSTANCE;
        storePa[stores] = pa;
        storeWidth[stores] = width;
        storeValue[stores] = v;
        stores++;
    }

    /** Runs the predecoded code; returns the instructions run. */
    private int interpret(int[] r) {
        int n = 0;
        try {
            for (int i = 0; ; ) {
                n++;
                switch (step[i]) {
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
                        set(r, rd[i], load(r[rs1[i]] + imm[i], access[i]));
                        i++;
                        break;
                    case K_STORE:
                        executed = n;
                        store(r[rs1[i]] + imm[i], access[i], r[rd[i]]);
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

    private static final String SELF = "exo/kernel/mem/DownloadedHandler";

    /**
     * Compiled bodies by the words they were compiled from, so installing code the kernel has
     * compiled before (every environment of a library OS installing the same handler, a handler
     * removed and installed again) defines no new class. A body holds no state of its own (it runs
     * over the register file and handler it is given) and depends only on the words, since the
     * kind decides only what verification refuses. Bounded, least recently installed out first;
     * an evicted body lives on in the handlers that hold it.
     */
    private static final BodyCache COMPILED = new BodyCache(512);

    private static final class BodyCache {
        private final Map<CodeKey, Body> bodies;

        BodyCache(int capacity) {
            bodies = new java.util.LinkedHashMap<>(capacity, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<CodeKey, Body> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized Body body(int[] code, DownloadedHandler verified) {
            return bodies.computeIfAbsent(new CodeKey(code.clone()), k -> verified.compile());
        }
    }

    /** Handler words as a map key: equal when the words are. */
    private record CodeKey(int[] words) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CodeKey k && Arrays.equals(words, k.words);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(words);
        }
    }

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
        int n = step.length;
        Label[] at = new Label[n];
        for (int i = 0; i < n; i++) at[i] = new Label();
        m.visitInsn(Opcodes.ICONST_0);
        m.visitVarInsn(Opcodes.ISTORE, 3);
        for (int i = 0; i < n; i++) {
            m.visitLabel(at[i]);
            m.visitIincInsn(3, 1);
            switch (step[i]) {
                case K_ALU1:
                case K_ALU2:
                    if (rd[i] == 0) break;              // no effect: ALU rows without a trap check are pure
                    m.visitVarInsn(Opcodes.ALOAD, 1);
                    m.visitLdcInsn(rd[i]);
                    if (step[i] == K_ALU2) register(m, rs1[i]);
                    if (step[i] == K_ALU1 || rs2[i] < 0) m.visitLdcInsn(imm[i]);
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
                    m.visitLdcInsn(access[i]);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, SELF, "load", "(II)I", false);
                    m.visitInsn(rd[i] != 0 ? Opcodes.IASTORE : Opcodes.POP);
                    break;
                case K_STORE:
                    m.visitVarInsn(Opcodes.ALOAD, 2);   // executed = instructions so far, this one too
                    m.visitVarInsn(Opcodes.ILOAD, 3);
                    m.visitFieldInsn(Opcodes.PUTFIELD, SELF, "executed", "I");
                    m.visitVarInsn(Opcodes.ALOAD, 2);
                    register(m, rs1[i]);
                    m.visitLdcInsn(imm[i]);
                    m.visitInsn(Opcodes.IADD);
                    m.visitLdcInsn(access[i]);
                    register(m, rd[i]);
                    m.visitMethodInsn(Opcodes.INVOKEVIRTUAL, SELF, "store", "(III)V", false);
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
