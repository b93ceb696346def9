package dev.tessera.grid.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import com.esotericsoftware.kryo.serializers.TimeSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import dev.tessera.grid.core.serialization.HardenedSerializers.ArrayLengthGuard;
import dev.tessera.grid.core.serialization.HardenedSerializers.BoundedArraysAsListSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.BoundedCollectionSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.BoundedMapSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.ImmutableListSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.ImmutableMapSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.ImmutableSetSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.OneByteMinimumSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.SingletonSerializer;
import dev.tessera.grid.core.serialization.HardenedSerializers.UnmodifiableSerializer;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Validates the user types once, assigns their ids, and builds identically configured
 * {@link GridKryo} instances for the pool.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class KryoFactory {
    /** Object graphs nested deeper than this are refused (cycles, hostile input, stack safety). */
    static final int MAX_DEPTH = 128;

    /** Kryo's own registrations, which we neither replace nor re-register. */
    private static final Set<Class<?>> KRYO_BUILT_INS = Set.of(
            int.class, Integer.class, String.class, float.class, Float.class, boolean.class, Boolean.class,
            byte.class, Byte.class, char.class, Character.class, short.class, Short.class, long.class,
            Long.class, double.class, Double.class);

    /** User type -> id, in id order. */
    private final Map<Class<?>, Integer> userTypeIds;

    KryoFactory(Collection<Class<?>> userTypes) {
        this(userTypes, WireFormat::userTypeId);
    }

    /** With another id function: lets tests provoke collisions. */
    KryoFactory(Collection<Class<?>> userTypes, ToIntFunction<String> idOfClassName) {
        this.userTypeIds = assignIds(userTypes, idOfClassName);
    }

    Map<Class<?>, Integer> userTypeIds() {
        return userTypeIds;
    }

    // ---- user types ----------------------------------------------------------------------

    private static Map<Class<?>, Integer> assignIds(Collection<Class<?>> userTypes, ToIntFunction<String> idOf) {
        LinkedHashSet<Class<?>> expanded = new LinkedHashSet<>();
        for (Class<?> type : userTypes) {
            expand(Objects.requireNonNull(type, "user type"), expanded);
        }
        TreeMap<Integer, Class<?>> byId = new TreeMap<>();
        for (Class<?> type : expanded) {
            int id = idOf.applyAsInt(type.getName());
            Class<?> other = byId.putIfAbsent(id, type);
            if (other != null && other != type) {
                Class<?> first = other.getName().compareTo(type.getName()) < 0 ? other : type;
                Class<?> second = first == other ? type : other;
                throw new IllegalArgumentException("Type id collision: " + first.getName() + " and "
                        + second.getName() + " both derive type id " + id
                        + " from their class names. Ids are derived from fully-qualified class names so that "
                        + "every member agrees without coordination; rename one of the two classes.");
            }
        }
        LinkedHashMap<Class<?>, Integer> result = new LinkedHashMap<>();
        byId.forEach((id, type) -> result.put(type, id));
        return Collections.unmodifiableMap(result);
    }

    /** Adds {@code type}, or for a sealed abstract type its concrete permitted subclasses. */
    private static void expand(Class<?> type, Set<Class<?>> out) {
        if (type.isPrimitive() || KRYO_BUILT_INS.contains(type) || WireFormat.JDK_TYPE_IDS.containsKey(type)) {
            return; // always allowed
        }
        if (type.isHidden()) {
            throw new IllegalArgumentException("Cannot register " + type.getName()
                    + ": lambdas and other hidden classes have no stable name; use a record or a named class");
        }
        if (type.isArray() || type.isEnum()) {
            out.add(type);
            return;
        }
        boolean isAbstract = type.isInterface() || Modifier.isAbstract(type.getModifiers());
        if (type.isSealed()) {
            if (!isAbstract) {
                out.add(type);
            }
            for (Class<?> sub : type.getPermittedSubclasses()) {
                expand(sub, out);
            }
            return;
        }
        if (isAbstract) {
            throw new IllegalArgumentException("Cannot register " + type.getName() + ": it is "
                    + (type.isInterface() ? "an interface" : "an abstract class")
                    + ". Register the concrete classes that are stored (or make it sealed: the permitted "
                    + "subclasses of a sealed type are registered with it).");
        }
        out.add(type);
    }

    // ---- Kryo instances --------------------------------------------------------------------

    /**
     * A configured instance with every registration.
     *
     * @throws IllegalArgumentException if Kryo cannot handle one of the user types
     */
    GridKryo newKryo() {
        GridKryo kryo = new GridKryo();
        kryo.setRegistrationRequired(true);
        kryo.setWarnUnregisteredClasses(false);
        kryo.setReferences(false);
        kryo.setOptimizedGenerics(false);
        kryo.setMaxDepth(MAX_DEPTH);
        kryo.setAutoReset(true);
        // a no-arg constructor when there is one, else Objenesis (only ever for registered classes)
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        registerJdkTypes(kryo);
        userTypeIds.forEach((type, id) -> kryo.register(type, userSerializer(kryo, type), id));
        return kryo;
    }

    private static Serializer<?> userSerializer(Kryo kryo, Class<?> type) {
        if (EnumMap.class.isAssignableFrom(type) || IdentityHashMap.class.isAssignableFrom(type)) {
            throw unsupported(type, "Kryo cannot rebuild it generically");
        }
        Serializer<?> s;
        try {
            s = kryo.getDefaultSerializer(type);
        } catch (InaccessibleObjectException e) {
            throw new IllegalArgumentException("Cannot register " + type.getName()
                    + ": its fields are not accessible to Kryo (" + e.getMessage() + "). Open its package to "
                    + "com.esotericsoftware.kryo, or store a record that carries its data instead.", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot register " + type.getName() + ": " + e.getMessage(), e);
        }
        if (s instanceof JavaSerializer) {
            throw unsupported(type, "it asks for Java serialization, which can instantiate arbitrary classes");
        }
        if (type.isArray()) {
            return new ArrayLengthGuard<>(s);
        }
        if (s.getClass() == CollectionSerializer.class) {
            return new BoundedCollectionSerializer<>();
        }
        if (s.getClass() == MapSerializer.class) {
            return new BoundedMapSerializer<>();
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
            if (s instanceof DefaultSerializers.TreeMapSerializer || s instanceof DefaultSerializers.TreeSetSerializer
                    || s instanceof DefaultSerializers.ConcurrentSkipListMapSerializer) {
                return s; // no pre-allocation from the wire length
            }
            throw unsupported(type, "its Kryo serializer (" + s.getClass().getSimpleName()
                    + ") is not hardened against hostile lengths");
        }
        if (type.isRecord() && type.getRecordComponents().length == 0) {
            return new OneByteMinimumSerializer<>(s);
        }
        if (s instanceof FieldSerializer && ((FieldSerializer<?>) s).getFields().length == 0) {
            return new OneByteMinimumSerializer<>(s);
        }
        return s;
    }

    private static IllegalArgumentException unsupported(Class<?> type, String why) {
        return new IllegalArgumentException("Cannot register " + type.getName() + ": " + why
                + ". Use a built-in collection (ArrayList, LinkedList, HashMap, LinkedHashMap, TreeMap, HashSet, "
                + "LinkedHashSet, TreeSet, ArrayDeque, EnumSet, ConcurrentHashMap, List.of/Set.of/Map.of) as a "
                + "field of a record instead.");
    }

    private static void registerJdkTypes(Kryo kryo) {
        Map<Class<?>, Serializer<?>> s = new LinkedHashMap<>();
        s.put(byte[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.ByteArraySerializer()));
        s.put(int[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.IntArraySerializer()));
        s.put(long[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.LongArraySerializer()));
        s.put(short[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.ShortArraySerializer()));
        s.put(char[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.CharArraySerializer()));
        s.put(float[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.FloatArraySerializer()));
        s.put(double[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.DoubleArraySerializer()));
        s.put(boolean[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.BooleanArraySerializer()));
        s.put(String[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.StringArraySerializer()));
        s.put(Object[].class, new ArrayLengthGuard<>(new DefaultArraySerializers.ObjectArraySerializer(kryo, Object[].class)));

        s.put(ArrayList.class, new BoundedCollectionSerializer<>());
        s.put(LinkedList.class, new BoundedCollectionSerializer<>());
        s.put(HashMap.class, new BoundedMapSerializer<>());
        s.put(LinkedHashMap.class, new BoundedMapSerializer<>());
        s.put(TreeMap.class, new DefaultSerializers.TreeMapSerializer());
        s.put(HashSet.class, new BoundedCollectionSerializer<>());
        s.put(LinkedHashSet.class, new BoundedCollectionSerializer<>());
        s.put(TreeSet.class, new DefaultSerializers.TreeSetSerializer());
        s.put(ArrayDeque.class, new BoundedCollectionSerializer<>());
        s.put(EnumSet.class, new DefaultSerializers.EnumSetSerializer());
        s.put(ConcurrentHashMap.class, new BoundedMapSerializer<>());

        s.put(Collections.emptyList().getClass(), new SingletonSerializer<>(Collections.emptyList()));
        s.put(Collections.emptySet().getClass(), new SingletonSerializer<>(Collections.emptySet()));
        s.put(Collections.emptyMap().getClass(), new SingletonSerializer<>(Collections.emptyMap()));
        s.put(Collections.singletonList(0).getClass(), new DefaultSerializers.CollectionsSingletonListSerializer());
        s.put(Collections.singleton(0).getClass(), new DefaultSerializers.CollectionsSingletonSetSerializer());
        s.put(Collections.singletonMap(0, 0).getClass(), new DefaultSerializers.CollectionsSingletonMapSerializer());
        s.put(Arrays.asList(0).getClass(), new BoundedArraysAsListSerializer());
        s.put(List.of(0).getClass(), new ImmutableListSerializer());
        s.put(List.of().getClass(), new ImmutableListSerializer());
        s.put(Set.of(0).getClass(), new ImmutableSetSerializer());
        s.put(Set.of().getClass(), new ImmutableSetSerializer());
        s.put(Map.of(0, 0).getClass(), new ImmutableMapSerializer());
        s.put(Map.of().getClass(), new ImmutableMapSerializer());
        s.put(Collections.unmodifiableCollection(new ArrayList<>()).getClass(), new UnmodifiableSerializer<>(
                ArrayList.class, c -> new ArrayList<>((Collection) c), Collections::unmodifiableCollection));
        s.put(Collections.unmodifiableList(new LinkedList<>()).getClass(), new UnmodifiableSerializer<>(
                LinkedList.class, c -> new LinkedList<>((Collection) c), Collections::unmodifiableList));
        s.put(Collections.unmodifiableList(new ArrayList<>()).getClass(), new UnmodifiableSerializer<>(
                ArrayList.class, c -> new ArrayList<>((Collection) c), Collections::unmodifiableList));
        s.put(Collections.unmodifiableSet(new HashSet<>()).getClass(), new UnmodifiableSerializer<>(
                LinkedHashSet.class, c -> new LinkedHashSet<>((Set) c), Collections::unmodifiableSet));
        s.put(Collections.unmodifiableSortedSet(new TreeSet<>()).getClass(), new UnmodifiableSerializer<>(
                TreeSet.class, c -> new TreeSet<>((SortedSet) c), Collections::unmodifiableSortedSet));
        s.put(Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass(), new UnmodifiableSerializer<>(
                TreeSet.class, c -> new TreeSet<>((SortedSet) c), Collections::unmodifiableNavigableSet));
        s.put(Collections.unmodifiableMap(new HashMap<>()).getClass(), new UnmodifiableSerializer<>(
                LinkedHashMap.class, m -> new LinkedHashMap<>((Map) m), Collections::unmodifiableMap));
        s.put(Collections.unmodifiableSortedMap(new TreeMap<>()).getClass(), new UnmodifiableSerializer<>(
                TreeMap.class, m -> new TreeMap<>((SortedMap) m), Collections::unmodifiableSortedMap));
        s.put(Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass(), new UnmodifiableSerializer<>(
                TreeMap.class, m -> new TreeMap<>((SortedMap) m), Collections::unmodifiableNavigableMap));

        s.put(Comparator.naturalOrder().getClass(), new SingletonSerializer<>(Comparator.naturalOrder()));
        s.put(Collections.reverseOrder().getClass(), new SingletonSerializer<>(Collections.reverseOrder()));
        s.put(String.CASE_INSENSITIVE_ORDER.getClass(), new SingletonSerializer<>(String.CASE_INSENSITIVE_ORDER));

        s.put(UUID.class, new DefaultSerializers.UUIDSerializer());
        s.put(BigDecimal.class, new DefaultSerializers.BigDecimalSerializer());
        s.put(BigInteger.class, new DefaultSerializers.BigIntegerSerializer());
        s.put(Optional.class, new OptionalSerializers.OptionalSerializer());
        s.put(OptionalInt.class, new OptionalSerializers.OptionalIntSerializer());
        s.put(OptionalLong.class, new OptionalSerializers.OptionalLongSerializer());
        s.put(OptionalDouble.class, new OptionalSerializers.OptionalDoubleSerializer());
        s.put(URI.class, new DefaultSerializers.URISerializer());
        s.put(Locale.class, new DefaultSerializers.LocaleSerializer());
        s.put(Date.class, new DefaultSerializers.DateSerializer());
        s.put(BitSet.class, new DefaultSerializers.BitSetSerializer());

        s.put(Instant.class, new TimeSerializers.InstantSerializer());
        s.put(Duration.class, new TimeSerializers.DurationSerializer());
        s.put(LocalDate.class, new TimeSerializers.LocalDateSerializer());
        s.put(LocalTime.class, new TimeSerializers.LocalTimeSerializer());
        s.put(LocalDateTime.class, new TimeSerializers.LocalDateTimeSerializer());
        s.put(ZonedDateTime.class, new TimeSerializers.ZonedDateTimeSerializer());
        s.put(OffsetDateTime.class, new TimeSerializers.OffsetDateTimeSerializer());
        s.put(OffsetTime.class, new TimeSerializers.OffsetTimeSerializer());
        s.put(ZoneOffset.class, new TimeSerializers.ZoneOffsetSerializer());
        s.put(ZoneId.of("Europe/Paris").getClass(), new TimeSerializers.ZoneIdSerializer());
        s.put(Period.class, new TimeSerializers.PeriodSerializer());
        s.put(Year.class, new TimeSerializers.YearSerializer());
        s.put(YearMonth.class, new TimeSerializers.YearMonthSerializer());
        s.put(MonthDay.class, new TimeSerializers.MonthDaySerializer());
        s.put(DayOfWeek.class, new DefaultSerializers.EnumSerializer(DayOfWeek.class));
        s.put(Month.class, new DefaultSerializers.EnumSerializer(Month.class));

        if (!s.keySet().equals(WireFormat.JDK_TYPE_IDS.keySet())) {
            throw new AssertionError("JDK serializer table out of sync with WireFormat.JDK_TYPE_IDS");
        }
        s.forEach((type, serializer) -> kryo.register(type, serializer, WireFormat.JDK_TYPE_IDS.get(type)));
    }
}
