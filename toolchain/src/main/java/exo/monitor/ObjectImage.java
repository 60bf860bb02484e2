package exo.monitor;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The mutable state of an object graph at one moment, restorable into the same objects: for
 * every object reachable from the roots, the values of its non-final fields, and for every array
 * a copy of its elements. Restoring writes them back, so every object keeps its identity (a
 * kernel's lambdas and the machine's references to it stay valid) and objects created since
 * simply become unreachable. This is how a debugger's snapshot holds a kernel's state without
 * the kernel having to describe it: a field added to the kernel tomorrow is in the image too.
 *
 * <p>Followed: classes of Exo's own packages ({@code exo.}), arrays, and the JDK's collections,
 * generators and byte streams ({@code java.util}, {@code ByteArrayOutputStream}), whose internals
 * the launcher opens for this ({@code Add-Opens} in the jar's manifest). Strings, boxes, enums
 * and records' final fields cannot change and need no image. Everything else, and every object
 * {@code opaque} accepts (the machine, which has its own snapshot; the engine; the debugger), is
 * a leaf: referenced, never looked into.
 */
final class ObjectImage {
    private static final Map<Class<?>, Field[]> FIELDS = new ConcurrentHashMap<>();

    /** Objects and their non-final field values, in the order found. */
    private final List<Object> objects = new ArrayList<>();
    private final List<Object[]> values = new ArrayList<>();
    /** Arrays and copies of their elements. */
    private final List<Object> arrays = new ArrayList<>();
    private final List<Object> copies = new ArrayList<>();
    private long bytes;

    private ObjectImage() {}

    /**
     * Images everything reachable from roots, stopping at objects opaque accepts. A primitive
     * array whose contents equal its copy in previous (which may be null) shares that copy, so a
     * series of images of a large table that rarely changes holds it about once.
     */
    static ObjectImage capture(List<Object> roots, Predicate<Object> opaque, ObjectImage previous) {
        ObjectImage image = new ObjectImage();
        Map<Object, Object> before = new IdentityHashMap<>();
        if (previous != null) for (int i = 0; i < previous.arrays.size(); i++) before.put(previous.arrays.get(i), previous.copies.get(i));
        IdentityHashMap<Object, Boolean> seen = new IdentityHashMap<>();
        Deque<Object> work = new ArrayDeque<>();
        for (Object r : roots) if (r != null && seen.put(r, true) == null) work.add(r);
        while (!work.isEmpty()) {
            Object o = work.poll();
            Class<?> c = o.getClass();
            if (c.isArray()) {
                image.array(o, before.get(o));
                if (!c.getComponentType().isPrimitive()) {
                    for (Object e : (Object[]) o) follow(e, seen, work, opaque);
                }
                continue;
            }
            Field[] fields = fieldsOf(c);
            Object[] vals = new Object[fields.length];
            for (int i = 0; i < fields.length; i++) {
                Object v = get(fields[i], o);
                if (!Modifier.isFinal(fields[i].getModifiers())) vals[i] = v;
                if (!fields[i].getType().isPrimitive()) follow(v, seen, work, opaque);
            }
            image.objects.add(o);
            image.values.add(vals);
            image.bytes += 16 + 8L * fields.length;
        }
        return image;
    }

    /** Writes every imaged value back into the object or array it was taken from. */
    void restore() {
        for (int i = 0; i < objects.size(); i++) {
            Object o = objects.get(i);
            Field[] fields = fieldsOf(o.getClass());
            Object[] vals = values.get(i);
            for (int f = 0; f < fields.length; f++) {
                if (Modifier.isFinal(fields[f].getModifiers())) continue;
                try {
                    fields[f].set(o, vals[f]);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot restore " + fields[f], e);
                }
            }
        }
        for (int i = 0; i < arrays.size(); i++) {
            Object a = arrays.get(i);
            System.arraycopy(copies.get(i), 0, a, 0, Array.getLength(a));
        }
    }

    /** Objects and arrays imaged. */
    int size() {
        return objects.size() + arrays.size();
    }

    /** An estimate of the host memory the image added (headers, references, array copies it did not share). */
    long bytes() {
        return bytes;
    }

    private void array(Object a, Object earlier) {
        arrays.add(a);
        if (earlier != null && samePrimitives(a, earlier)) {
            copies.add(earlier);
            return;
        }
        int n = Array.getLength(a);
        Object copy = Array.newInstance(a.getClass().getComponentType(), n);
        System.arraycopy(a, 0, copy, 0, n);
        copies.add(copy);
        Class<?> t = a.getClass().getComponentType();
        int width = t == byte.class || t == boolean.class ? 1 : t == short.class || t == char.class ? 2
                : t == int.class || t == float.class ? 4 : 8;
        bytes += 16 + (long) width * n;
    }

    /** Whether a and b are primitive arrays of one type with equal elements. */
    private static boolean samePrimitives(Object a, Object b) {
        if (a instanceof int[] x) return Arrays.equals(x, (int[]) b);
        if (a instanceof long[] x) return Arrays.equals(x, (long[]) b);
        if (a instanceof byte[] x) return Arrays.equals(x, (byte[]) b);
        if (a instanceof boolean[] x) return Arrays.equals(x, (boolean[]) b);
        if (a instanceof short[] x) return Arrays.equals(x, (short[]) b);
        if (a instanceof char[] x) return Arrays.equals(x, (char[]) b);
        return false;
    }

    private static void follow(Object v, IdentityHashMap<Object, Boolean> seen, Deque<Object> work, Predicate<Object> opaque) {
        if (v == null || !followed(v.getClass()) || opaque.test(v)) return;
        if (seen.put(v, true) == null) work.add(v);
    }

    /** Whether objects of c may hold state that changes (see the class comment). */
    static boolean followed(Class<?> c) {
        if (c.isArray()) return true;
        if (c.isEnum() || c.isRecord() && c.getRecordComponents().length == 0) return false;
        String n = c.getName();
        return n.startsWith("exo.") || n.startsWith("java.util.") && !n.startsWith("java.util.concurrent.locks.")
                && !n.startsWith("java.util.stream.") && !n.startsWith("java.util.regex.")
                || c == java.io.ByteArrayOutputStream.class;
    }

    /** Every instance field of c and its superclasses, made accessible. */
    private static Field[] fieldsOf(Class<?> c) {
        return FIELDS.computeIfAbsent(c, k -> {
            List<Field> all = new ArrayList<>();
            for (Class<?> t = k; t != null && t != Object.class; t = t.getSuperclass()) {
                for (Field f : t.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) continue;
                    f.setAccessible(true);
                    all.add(f);
                }
            }
            return all.toArray(new Field[0]);
        });
    }

    private static Object get(Field f, Object o) {
        try {
            return f.get(o);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot image " + f, e);
        }
    }
}
