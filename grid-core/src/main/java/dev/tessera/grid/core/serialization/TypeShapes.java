package dev.tessera.grid.core.serialization;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * What a registered type's serialized form depends on besides its name: a record's components, an enum's
 * constants, a class's instance fields, each in declaration order. Kryo writes no field names or versions,
 * so two members whose {@code Order} classes differ here would misread each other's bytes; comparing shapes
 * at join catches the rolling upgrade that changed a value class. Conservative: a mere reordering is
 * reported too, though it may be harmless.
 */
public final class TypeShapes {
    /** Longer shapes are cut (with a hash of the whole) so that a description stays small. */
    public static final int MAX_CHARS = 1_000;

    private TypeShapes() {}

    /** E.g. {@code record(id:java.lang.String,quantity:int)}, {@code enum(RED,GREEN)}, {@code class(a:long)}. */
    public static String of(Class<?> type) {
        String shape;
        if (type.isArray()) {
            shape = "array";
        } else if (type.isEnum()) {
            StringJoiner j = new StringJoiner(",", "enum(", ")");
            for (Object c : type.getEnumConstants()) {
                j.add(((Enum<?>) c).name());
            }
            shape = j.toString();
        } else if (type.isRecord()) {
            StringJoiner j = new StringJoiner(",", "record(", ")");
            for (RecordComponent c : type.getRecordComponents()) {
                j.add(c.getName() + ":" + c.getType().getName());
            }
            shape = j.toString();
        } else {
            StringJoiner j = new StringJoiner(",", "class(", ")");
            for (Field f : instanceFields(type)) {
                j.add(f.getName() + ":" + f.getType().getName());
            }
            shape = j.toString();
        }
        return shape.length() <= MAX_CHARS ? shape
                : shape.substring(0, MAX_CHARS) + "...#" + Integer.toHexString(shape.hashCode());
    }

    /** Serialized fields, superclass first: neither static, transient nor synthetic. */
    private static List<Field> instanceFields(Class<?> type) {
        List<Class<?>> chain = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
        }
        List<Field> out = new ArrayList<>();
        for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isTransient(m) && !f.isSynthetic()) {
                    out.add(f);
                }
            }
        }
        return out;
    }
}
