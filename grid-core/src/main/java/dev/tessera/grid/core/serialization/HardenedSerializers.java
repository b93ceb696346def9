package dev.tessera.grid.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Serializers that keep Kryo's wire format but refuse hostile lengths before allocating.
 *
 * <p>The invariant they rely on: every non-null object that a codec can write takes at least one
 * byte (types that would take zero, such as records without components and the empty JDK
 * collections, are given a one-byte form here), so a collection or array cannot legitimately claim
 * more elements than there are bytes left. A claim above that is rejected before the collection's
 * backing array is allocated.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class HardenedSerializers {
    private HardenedSerializers() {}

    static void checkCount(Input input, int count) {
        int remaining = input.limit() - input.position();
        if (count < 0 || count > remaining) {
            throw new KryoException("Invalid element count " + count + " with " + remaining + " bytes left");
        }
    }

    /** {@link CollectionSerializer} with the element count checked before {@code create}. */
    static class BoundedCollectionSerializer<T extends Collection> extends CollectionSerializer<T> {
        @Override
        protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
            checkCount(input, size);
            return super.create(kryo, input, type, size);
        }
    }

    /** {@link MapSerializer} with the entry count checked before {@code create}. */
    static class BoundedMapSerializer<T extends Map> extends MapSerializer<T> {
        @Override
        protected T create(Kryo kryo, Input input, Class<? extends T> type, int size) {
            checkCount(input, size);
            return super.create(kryo, input, type, size);
        }
    }

    /** {@code Arrays.asList(...)}. */
    static final class BoundedArraysAsListSerializer extends DefaultSerializers.ArraysAsListSerializer {
        @Override
        protected List create(Kryo kryo, Input input, Class type, int size) {
            checkCount(input, size);
            return super.create(kryo, input, type, size);
        }
    }

    /**
     * {@code List.of(...)} and {@code Stream.toList()}: read into an ArrayList, returned immutable
     * ({@code List.of} when there is no null element, else an unmodifiable view).
     */
    static final class ImmutableListSerializer extends BoundedCollectionSerializer<List> {
        ImmutableListSerializer() {
            setImmutable(true);
        }

        @Override
        protected List create(Kryo kryo, Input input, Class type, int size) {
            checkCount(input, size);
            return new ArrayList<>(size);
        }

        @Override
        public List read(Kryo kryo, Input input, Class type) {
            List list = super.read(kryo, input, type);
            if (list == null) {
                return null;
            }
            return list.contains(null) ? Collections.unmodifiableList(list) : List.of(list.toArray());
        }
    }

    /** {@code Set.of(...)}: read into an ArrayList, returned as {@code Set.of}; duplicates are rejected. */
    static final class ImmutableSetSerializer extends BoundedCollectionSerializer<Collection> {
        ImmutableSetSerializer() {
            setImmutable(true);
        }

        @Override
        protected Collection create(Kryo kryo, Input input, Class type, int size) {
            checkCount(input, size);
            return new ArrayList<>(size);
        }

        @Override
        public Collection read(Kryo kryo, Input input, Class type) {
            Collection elements = super.read(kryo, input, type);
            return elements == null ? null : Set.of(elements.toArray());
        }
    }

    /** {@code Map.of(...)}: read into a HashMap, returned as {@code Map.copyOf}; null keys or values are rejected. */
    static final class ImmutableMapSerializer extends BoundedMapSerializer<Map> {
        ImmutableMapSerializer() {
            setImmutable(true);
        }

        @Override
        protected Map create(Kryo kryo, Input input, Class type, int size) {
            checkCount(input, size);
            return new HashMap<>(size);
        }

        @Override
        public Map read(Kryo kryo, Input input, Class type) {
            Map map = super.read(kryo, input, type);
            return map == null ? null : Map.copyOf(map);
        }
    }

    /**
     * The {@code Collections.unmodifiableXxx} wrappers: written as a copy of their content in a
     * registered carrier type (ArrayList, LinkedHashSet, TreeSet with its comparator, ...) and read
     * back wrapped again.
     */
    static final class UnmodifiableSerializer<T, C> extends Serializer<T> {
        private final Class<C> carrierType;
        private final Function<T, C> toCarrier;
        private final Function<C, T> fromCarrier;

        UnmodifiableSerializer(Class<C> carrierType, Function<T, C> toCarrier, Function<C, T> fromCarrier) {
            super(false, true);
            this.carrierType = carrierType;
            this.toCarrier = toCarrier;
            this.fromCarrier = fromCarrier;
        }

        @Override
        public void write(Kryo kryo, Output output, T object) {
            kryo.writeObject(output, toCarrier.apply(object));
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            return fromCarrier.apply(kryo.readObject(input, carrierType));
        }
    }

    /** A singleton such as {@code Collections.emptyList()}, written as one zero byte. */
    static final class SingletonSerializer<T> extends Serializer<T> {
        private final T instance;

        SingletonSerializer(T instance) {
            super(false, true);
            this.instance = instance;
        }

        @Override
        public void write(Kryo kryo, Output output, T object) {
            output.writeByte(0);
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            if (input.readByte() != 0) {
                throw new KryoException("Invalid singleton marker");
            }
            return instance;
        }
    }

    /**
     * Prefixes a serializer that may write nothing (a record without components, a class without
     * fields) with a zero byte, so that every object takes at least one byte.
     */
    static final class OneByteMinimumSerializer<T> extends Serializer<T> {
        private final Serializer<T> delegate;

        OneByteMinimumSerializer(Serializer<T> delegate) {
            super(delegate.getAcceptsNull(), delegate.isImmutable());
            this.delegate = delegate;
        }

        @Override
        public void write(Kryo kryo, Output output, T object) {
            output.writeByte(0);
            delegate.write(kryo, output, object);
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            if (input.readByte() != 0) {
                throw new KryoException("Invalid object marker");
            }
            return delegate.read(kryo, input, type);
        }

        @Override
        public T copy(Kryo kryo, T original) {
            return delegate.copy(kryo, original);
        }
    }

    /**
     * Guards one of Kryo's array serializers, whose format starts with {@code varint(length + 1)}
     * (0 for null) and which allocate the array right after reading it.
     */
    static final class ArrayLengthGuard<T> extends Serializer<T> {
        private final Serializer<T> delegate;

        ArrayLengthGuard(Serializer<T> delegate) {
            super(delegate.getAcceptsNull(), delegate.isImmutable());
            this.delegate = delegate;
        }

        @Override
        public void write(Kryo kryo, Output output, T object) {
            delegate.write(kryo, output, object);
        }

        @Override
        public T read(Kryo kryo, Input input, Class<? extends T> type) {
            int start = input.position();
            int lengthPlusOne = input.readVarInt(true);
            if (lengthPlusOne != 0) {
                checkCount(input, lengthPlusOne - 1);
            }
            input.setPosition(start);
            return delegate.read(kryo, input, type);
        }

        @Override
        public T copy(Kryo kryo, T original) {
            return delegate.copy(kryo, original);
        }
    }
}
