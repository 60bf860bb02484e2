package exo.emulator.isa;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A public static method named the way JVM bytecode names it (internal class name, method name,
 * descriptor), for an {@code INVOKESTATIC}. Instances come from {@link #of}, which reads them off
 * a method reference, so the table names its methods in Java ({@code Alu::add}) and javac checks
 * that the method exists with the right type; no engine spells a method name as a string.
 */
public record StaticMethod(String owner, String name, String descriptor) {
    /**
     * The method a serializable method reference denotes. A serializable lambda can describe
     * itself ({@link SerializedLambda}: implementation class, name, signature); this checks that
     * the description is a public static method of {@code home} with descriptor {@code expected},
     * so a lambda expression, a method of another class or a non-public method is rejected here,
     * at class initialisation, rather than when generated code first runs.
     *
     * @param row what the reference belongs to, for the error message (e.g. an opcode's name)
     * @throws IllegalStateException naming {@code row} if the reference is not such a method
     */
    public static StaticMethod of(String row, Serializable reference, Class<?> home, String expected) {
        SerializedLambda lambda = describe(row, reference);
        String owner = home.getName().replace('.', '/');
        String what = lambda.getImplClass().replace('/', '.') + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature();
        if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic || !lambda.getImplClass().equals(owner)
                || !lambda.getImplMethodSignature().equals(expected) || lambda.getImplMethodName().startsWith("lambda$")) {
            throw new IllegalStateException(row + ": " + what + " is not a method reference to a static method of "
                    + home.getName() + " with descriptor " + expected);
        }
        try {
            MethodType type = MethodType.fromMethodDescriptorString(expected, home.getClassLoader());
            Method m = home.getMethod(lambda.getImplMethodName(), type.parameterArray());
            if (!Modifier.isStatic(m.getModifiers()) || m.getReturnType() != type.returnType()) throw new NoSuchMethodException(what);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(row + ": " + what + " is not public, so generated code could not call it", e);
        }
        return new StaticMethod(owner, lambda.getImplMethodName(), expected);
    }

    /** The self-description every serializable lambda carries (its {@code writeReplace}). */
    private static SerializedLambda describe(String row, Serializable reference) {
        try {
            Method writeReplace = reference.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            return (SerializedLambda) writeReplace.invoke(reference);
        } catch (ReflectiveOperationException | ClassCastException | SecurityException e) {
            throw new IllegalStateException(row + ": " + reference + " is not a method reference", e);
        }
    }

    @Override
    public String toString() {
        return owner.replace('/', '.') + "." + name + descriptor;
    }
}
