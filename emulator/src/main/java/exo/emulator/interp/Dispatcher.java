package exo.emulator.interp;

import static org.objectweb.asm.Opcodes.*;

import exo.emulator.isa.Codegen;
import exo.emulator.isa.Family;
import exo.emulator.isa.Opcode;
import exo.emulator.isa.Operand;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The interpreter's ALU results, ALU trap checks and branch conditions, compiled from the ISA
 * table when this class is initialised. Each method is a {@code tableswitch} over one family's
 * rows (by {@link Opcode#familyIndex}) whose cases are the bytecode {@link Codegen} gives the JIT
 * for that row, so both engines run the same generated code and a new row needs no interpreter
 * case. {@link #INSTANCE} is the generated subclass's one instance.
 *
 * <p>The build generates the class ({@link #main}, in the emulator's {@code process-classes}
 * phase) and ships it as {@code GeneratedDispatcher.class}: generating it at start-up loaded ASM
 * and spun method-handle forms in every {@code exo} process, about 11 ms of {@code exo run
 * hello.s} (docs/benchmarks.md), and a shipped class is archived by class-data sharing with the
 * rest. {@code DispatcherClassTest} holds the shipped bytes to what {@link #generate()} makes from
 * today's table. Where the build has not run (classes compiled by an IDE), the class is generated
 * and defined as a hidden class when this one is initialised, as before.
 *
 * <p>Why generate it rather than call each row's method reference: that would be an interface
 * call with a different target for every row (megamorphic), which HotSpot cannot inline, and
 * measured it halved the interpreter's throughput (InterpreterBench: about 100 against 160-210 M
 * guest instructions per second). Called on a {@code static final} instance, these methods are
 * bound statically, and HotSpot's C2 inlines each one whole into {@link Interpreter#execute},
 * static calls and all, while its bytecode stays within {@link #INLINE_LIMIT} bytes (a test holds
 * it there). C1 inlines only much smaller methods, so under C1 alone (the JIT engine's cold
 * code, see docs/jit.md) they are ordinary, statically bound calls. Cases with the same code
 * share a label, which keeps the methods small: ADD and ADDI both call {@code Alu.add(x, y)}.
 *
 * <p>Sources are passed in: x is rs1 (or a branch's first register), y is rs2, the immediate
 * (a U-format row's only source) or a branch's second register.
 */
abstract class Dispatcher {
    /** HotSpot's FreqInlineSize on x86-64: the largest hot method C2 inlines, in bytecode bytes. */
    static final int INLINE_LIMIT = 325;
    static final String ALU = "alu", ALU_TRAPS = "aluTraps", BRANCH_TAKEN = "branchTaken";
    private static final String SUPER = "exo/emulator/interp/Dispatcher";
    /** The generated subclass's name, as the build ships it and as a hidden class is named. */
    static final String GENERATED = "exo/emulator/interp/GeneratedDispatcher";
    private static final String DESC_I = "(III)I", DESC_Z = "(III)Z";
    /** Local slots of the generated methods' parameters. */
    private static final int ROW = 1, X = 2, Y = 3;
    static final Dispatcher INSTANCE = load();

    /** The result of ALU row {@code row} on sources x and y. */
    abstract int alu(int row, int x, int y);

    /** Whether ALU row {@code row}'s trap check holds for x and y; false for a row without one. */
    abstract boolean aluTraps(int row, int x, int y);

    /** Whether BRANCH row {@code row}'s condition holds between x and y. */
    abstract boolean branchTaken(int row, int x, int y);

    /** The class file of the generated subclass. */
    static byte[] generate() {
        ClassWriter cw = Codegen.finalSubclass(GENERATED, SUPER);

        List<Opcode> alu = rows(Family.ALU), branches = rows(Family.BRANCH);
        switchOver(cw, ALU, DESC_I, alu, op -> shape(op.operation, op), (mv, op) -> {
            Codegen.aluResult(mv, op, source(mv));
            mv.visitInsn(IRETURN);
        });
        switchOver(cw, ALU_TRAPS, DESC_Z, alu, op -> shape(op.trapCheck, op), (mv, op) -> {
            Label traps = new Label();
            Codegen.aluCheck(mv, op, source(mv), traps);
            returnBoolean(mv, traps);
        });
        switchOver(cw, BRANCH_TAKEN, DESC_Z, branches, op -> shape(op.cond, op), (mv, op) -> {
            Label taken = new Label();
            Codegen.branch(mv, op, source(mv), taken);
            returnBoolean(mv, taken);
        });
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static List<Opcode> rows(Family family) {
        List<Opcode> rows = new ArrayList<>();
        for (Opcode op : Opcode.values()) {
            if (op.family == family) rows.add(op);
        }
        return rows;
    }

    /** x for a row's first register source, y for the other source. */
    private static Codegen.Sources source(MethodVisitor mv) {
        return o -> mv.visitVarInsn(ILOAD, slot(o));
    }

    private static int slot(Operand source) {
        return source == Operand.RS1 || source == Operand.BRA ? X : Y;
    }

    /**
     * What a case's code depends on: the attribute it applies and the slots its sources come
     * from. Rows of equal shape share a case; a row without the attribute (null) has none.
     */
    private static Object shape(Object attribute, Opcode op) {
        if (attribute == null) return null;
        List<Object> shape = new ArrayList<>(List.of(attribute));
        for (Operand o : op.sources) shape.add(slot(o));
        return shape;
    }

    /** Returns 0 on the fall-through path and 1 from {@code yes}. */
    private static void returnBoolean(MethodVisitor mv, Label yes) {
        mv.visitInsn(ICONST_0);
        mv.visitInsn(IRETURN);
        mv.visitLabel(yes);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IRETURN);
    }

    /** How one case's code is emitted for a row. */
    private interface Case {
        void emit(MethodVisitor mv, Opcode op);
    }

    /**
     * A method {@code name(row, x, y)} switching over rows by family index. Rows whose
     * {@code key} is null have no case (they take the default); rows with equal keys share one,
     * emitted for the first of them.
     * The default returns false from a boolean method and throws from an int one.
     */
    private static void switchOver(ClassWriter cw, String name, String desc, List<Opcode> rows,
            Function<Opcode, Object> key, Case body) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, name, desc, null, null);
        mv.visitCode();
        Label otherwise = new Label();
        Label[] labels = new Label[rows.size()];
        Map<Object, Label> shared = new HashMap<>();
        List<Opcode> firsts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Opcode op = rows.get(i);
            if (op.familyIndex != i) throw new IllegalStateException(op + ": family index " + op.familyIndex + ", expected " + i);
            Object k = key.apply(op);
            if (k == null) {
                labels[i] = otherwise;
                continue;
            }
            labels[i] = shared.computeIfAbsent(k, x -> {
                firsts.add(op);
                return new Label();
            });
        }
        mv.visitVarInsn(ILOAD, ROW);
        mv.visitTableSwitchInsn(0, Math.max(0, rows.size() - 1), otherwise, labels);
        for (Opcode op : firsts) {
            mv.visitLabel(shared.get(key.apply(op)));
            body.emit(mv, op);
        }
        mv.visitLabel(otherwise);
        if (desc.endsWith("Z")) {
            mv.visitInsn(ICONST_0);
            mv.visitInsn(IRETURN);
        } else {
            mv.visitTypeInsn(NEW, "java/lang/IllegalStateException");
            mv.visitInsn(DUP);
            mv.visitLdcInsn("no " + name + " case for this row");
            mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "(Ljava/lang/String;)V", false);
            mv.visitInsn(ATHROW);
        }
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /**
     * Writes the generated class under the class directory {@code args[0]}, where the build's
     * {@code process-classes} phase puts it.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: Dispatcher CLASS-DIRECTORY");
        Path file = Path.of(args[0], GENERATED + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, generate());
    }

    /** An instance of the class the build shipped, or, where there is none, of one defined now. */
    private static Dispatcher load() {
        Class<?> shipped;
        try {
            shipped = Class.forName(GENERATED.replace('/', '.'), true, Dispatcher.class.getClassLoader());
        } catch (ClassNotFoundException notBuilt) {
            return define(generate());
        }
        try {
            return (Dispatcher) shipped.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot instantiate the interpreter's dispatcher", e);
        }
    }

    /** An instance of the class file, defined as a hidden class. */
    static Dispatcher define(byte[] classFile) {
        try {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(classFile, true);
            return (Dispatcher) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the interpreter's dispatcher", e);
        }
    }
}
