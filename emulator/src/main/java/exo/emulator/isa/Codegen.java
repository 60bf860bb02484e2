package exo.emulator.isa;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.IFNE;
import static org.objectweb.asm.Opcodes.IF_ICMPEQ;
import static org.objectweb.asm.Opcodes.IF_ICMPGE;
import static org.objectweb.asm.Opcodes.IF_ICMPLT;
import static org.objectweb.asm.Opcodes.IF_ICMPNE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V17;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * The JVM bytecode of a row's computation, generated from its attributes: the one definition of
 * ALU results, ALU trap checks and branch conditions that both engines execute. The JIT emits it
 * inline in its translations; the interpreter calls a dispatcher generated from it once, at
 * class initialisation. Only where the sources come from differs (JVM locals and constants in a
 * translation, parameters in the dispatcher), so the caller pushes them.
 */
public final class Codegen {
    private Codegen() {}

    /** Pushes the value of one of a row's {@link Opcode#sources} onto the operand stack. */
    @FunctionalInterface
    public interface Sources {
        void push(Operand source);
    }

    /** For an ALU row with a {@link Opcode#trapCheck}: jumps to trap when it holds over the sources. */
    public static void aluCheck(MethodVisitor mv, Opcode op, Sources sources, Label trap) {
        for (Operand o : op.sources) sources.push(o);
        invoke(mv, op.trapCheck);
        mv.visitJumpInsn(IFNE, trap);
    }

    /** For an ALU row: pushes its result, the {@link Opcode#operation} applied to its sources. */
    public static void aluResult(MethodVisitor mv, Opcode op, Sources sources) {
        for (Operand o : op.sources) sources.push(o);
        invoke(mv, op.operation);
    }

    /**
     * For a BRANCH row: jumps to taken when its condition holds between its two registers, and
     * falls through otherwise. Unsigned conditions add MIN_VALUE to both comparands (flipping
     * their sign bits) and compare signed, as {@link Integer#compareUnsigned} does.
     */
    public static void branch(MethodVisitor mv, Opcode op, Sources sources, Label taken) {
        for (Operand o : op.sources) {
            sources.push(o);
            if (op.cond.unsigned) {
                mv.visitLdcInsn(Integer.MIN_VALUE);
                mv.visitInsn(IADD);
            }
        }
        mv.visitJumpInsn(compare(op.cond), taken);
    }

    private static int compare(Cond cond) {
        switch (cond) {
            case EQ: return IF_ICMPEQ;
            case NE: return IF_ICMPNE;
            case LT: case LTU: return IF_ICMPLT;
            case GE: case GEU: return IF_ICMPGE;
            default: throw new IllegalStateException("condition " + cond);
        }
    }

    private static void invoke(MethodVisitor mv, StaticMethod m) {
        mv.visitMethodInsn(INVOKESTATIC, m.owner(), m.name(), m.descriptor(), false);
    }

    /**
     * A class writer for a final class named internalName extending superName, with a no-argument
     * constructor already written: the shell of every class Exo generates (translations and the
     * interpreter's dispatcher). Frames and stack sizes are computed; every class it meets in a
     * frame merge is taken as Object, which the generated code's locals (ints and fixed
     * references) allow.
     */
    public static ClassWriter finalSubclass(String internalName, String superName) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
        cw.visit(V17, ACC_FINAL | ACC_SUPER, internalName, null, superName, null);
        MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, superName, "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        return cw;
    }
}
