package dev.tessera.grid.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Kryo with two additions: an unregistered class surfaces as an {@link UnregisteredTypeException}
 * that names it (wherever in the object graph it sits), and in key mode every object written is
 * checked for a deterministic byte form.
 */
@SuppressWarnings("rawtypes") // Kryo's signatures use raw types
final class GridKryo extends Kryo {
    /** While true, objects whose bytes depend on iteration order are refused. */
    boolean keyMode;

    GridKryo() {
        super(new IdsOnlyClassResolver(), null);
    }

    /**
     * Kryo can also name a class in the stream (for unregistered classes) and loads it with
     * {@code Class.forName} before checking its registration. We only ever write ids, so a class
     * name in the input is hostile or corrupt: refuse it before any class is looked up.
     */
    static final class IdsOnlyClassResolver extends DefaultClassResolver {
        @Override
        protected Registration readName(Input input) {
            throw new KryoException("Class names are not accepted in the input, only registered type ids");
        }
    }

    @Override
    public Registration getRegistration(Class type) {
        try {
            return super.getRegistration(type);
        } catch (IllegalArgumentException e) {
            if (type != null && isRegistrationRequired()) {
                throw new UnregisteredTypeException(type);
            }
            throw e;
        }
    }

    private void checkKeyPart(Object object) {
        if (keyMode && object != null && !DETERMINISTIC.get(object.getClass())) {
            throw new NondeterministicKeyException(object.getClass());
        }
    }

    @Override
    public void writeObject(Output output, Object object) {
        checkKeyPart(object);
        super.writeObject(output, object);
    }

    @Override
    public void writeObject(Output output, Object object, Serializer serializer) {
        checkKeyPart(object);
        super.writeObject(output, object, serializer);
    }

    @Override
    public void writeObjectOrNull(Output output, Object object, Class type) {
        checkKeyPart(object);
        super.writeObjectOrNull(output, object, type);
    }

    @Override
    public void writeObjectOrNull(Output output, Object object, Serializer serializer) {
        checkKeyPart(object);
        super.writeObjectOrNull(output, object, serializer);
    }

    @Override
    public void writeClassAndObject(Output output, Object object) {
        checkKeyPart(object);
        super.writeClassAndObject(output, object);
    }

    /**
     * Whether instances of a class serialize to the same bytes on every JVM whenever they are equal.
     * Maps and sets iterate in hash (or insertion) order: two equal HashMaps may iterate differently,
     * and Set.of/Map.of even randomize their order per JVM. Sorted and enum-keyed ones iterate in a
     * defined order. Everything else (records, enums, value types, lists, arrays, plain classes) is
     * written field by field and element by element; its parts are checked as they are written.
     */
    private static final ClassValue<Boolean> DETERMINISTIC = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            if (Map.class.isAssignableFrom(c)) {
                return SortedMap.class.isAssignableFrom(c) || EnumMap.class.isAssignableFrom(c);
            }
            if (Collection.class.isAssignableFrom(c)) {
                return List.class.isAssignableFrom(c) || SortedSet.class.isAssignableFrom(c)
                        || EnumSet.class.isAssignableFrom(c);
            }
            return true;
        }
    };

    /** Marks a class that is not registered; carries it through Kryo's exception wrapping. */
    static final class UnregisteredTypeException extends KryoException {
        private static final long serialVersionUID = 1L;

        final Class<?> type;

        UnregisteredTypeException(Class<?> type) {
            super("Class is not registered: " + type.getName());
            this.type = type;
        }
    }

    /** Marks a part of a key whose bytes are not deterministic. */
    static final class NondeterministicKeyException extends KryoException {
        private static final long serialVersionUID = 1L;

        final Class<?> type;

        NondeterministicKeyException(Class<?> type) {
            super("Nondeterministic key part: " + type.getName());
            this.type = type;
        }

        String advice() {
            if (Map.class.isAssignableFrom(type)) {
                return "Use a TreeMap (or another SortedMap), an EnumMap, or a List of entries in a record instead.";
            }
            if (Set.class.isAssignableFrom(type)) {
                return "Use a TreeSet (or another SortedSet), an EnumSet, or a List instead.";
            }
            return "Use a List or a record instead.";
        }
    }
}
