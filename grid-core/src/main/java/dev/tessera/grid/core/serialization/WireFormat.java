package dev.tessera.grid.core.serialization;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The wire-stable registry of the serialization format: payload tags and the fixed Kryo class ids of
 * pre-registered JDK types. <strong>Every number here is part of the cluster protocol.</strong>
 * Changing one makes members of different versions unable to read each other's keys and values, and
 * changes the partition of every stored key; {@code WireFormatTest} pins the exact table so that such
 * a change cannot happen by accident. Only append: new tags in the reserved ranges, new JDK ids
 * below {@link #MIN_USER_TYPE_ID}.
 *
 * <p>A payload is one tag byte followed by the tag's body; the body's length is the payload's length
 * minus one (there is no length field, hence nothing to lie about).
 */
public final class WireFormat {
    private WireFormat() {}

    /**
     * The version of the cluster protocol: this class's tags and ids and the member messages' binary form.
     * Bump it with any change that members of the previous version cannot read; members of different
     * versions then refuse each other at join instead of misreading each other's data.
     */
    public static final int VERSION = 6; // 2: typed failure statuses; 3: partition target epochs; 4: scan and clear per member;
    // 5: read leases, and migration chunks announce the partition's entry count; 6: map headers by digest (UNKNOWN_CONFIG)

    // ---- payload tags (first byte of every payload) -------------------------------------------

    /** {@code null}; empty body. Never produced for keys. */
    public static final byte TAG_NULL = 0x00;
    /** {@link String} whose chars are all {@code <= 0xFF}: one byte per char (ISO-8859-1). */
    public static final byte TAG_STRING_LATIN1 = 0x01;
    /**
     * Any other {@link String}: UTF-8, except that an unpaired surrogate is encoded as its own 3-byte
     * sequence (WTF-8), so every Java string round-trips and distinct strings never share bytes.
     */
    public static final byte TAG_STRING_UTF8 = 0x02;
    /** {@code byte[]}: the raw bytes. */
    public static final byte TAG_BYTES = 0x03;
    /** {@link Integer}: 4 bytes, big-endian. */
    public static final byte TAG_INT = 0x04;
    /** {@link Long}: 8 bytes, big-endian. */
    public static final byte TAG_LONG = 0x05;
    /** {@link UUID}: 16 bytes, most significant long then least significant long, big-endian. */
    public static final byte TAG_UUID = 0x06;
    /** {@link Boolean}: 1 byte, 0 or 1. */
    public static final byte TAG_BOOLEAN = 0x07;
    /** {@link Double}: 8 bytes, big-endian {@link Double#doubleToLongBits} (NaN canonical). */
    public static final byte TAG_DOUBLE = 0x08;
    /** {@link Float}: 4 bytes, big-endian {@link Float#floatToIntBits} (NaN canonical). */
    public static final byte TAG_FLOAT = 0x09;
    /** {@link Short}: 2 bytes, big-endian. */
    public static final byte TAG_SHORT = 0x0A;
    /** {@link Byte}: 1 byte. */
    public static final byte TAG_BYTE = 0x0B;
    /** {@link Character}: 2 bytes, big-endian. */
    public static final byte TAG_CHAR = 0x0C;
    // 0x0D..0x1F: reserved for future fast paths.
    /** Everything else: Kryo {@code writeClassAndObject} (class id as varint, then the object). */
    public static final byte TAG_KRYO = 0x20;
    // 0x21..0xFF: reserved.

    // ---- Kryo class ids --------------------------------------------------------------------

    /**
     * Ids 0..8 are Kryo's own built-in registrations (int/Integer, String, float/Float,
     * boolean/Boolean, byte/Byte, char/Character, short/Short, long/Long, double/Double); they are
     * pinned by the test as well.
     */
    public static final int FIRST_JDK_TYPE_ID = 16;

    /**
     * User types get ids in {@code [MIN_USER_TYPE_ID, MIN_USER_TYPE_ID + USER_TYPE_ID_SPACE)}, derived
     * from their fully-qualified class name by {@link #userTypeId(String)}. Encoded by Kryo as a
     * 4-byte varint.
     */
    public static final int MIN_USER_TYPE_ID = 1 << 21;
    /** Size of the user id range (every id in it encodes as a 4-byte varint). */
    public static final int USER_TYPE_ID_SPACE = (1 << 28) - 2 - MIN_USER_TYPE_ID;

    /**
     * The stable id of a user type: 64-bit FNV-1a over the UTF-8 bytes of {@link Class#getName()},
     * reduced into the user id range. Independent of registration order and of the JVM.
     */
    public static int userTypeId(String className) {
        long h = 0xcbf29ce484222325L;
        for (byte b : className.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xFF);
            h *= 0x100000001b3L;
        }
        return MIN_USER_TYPE_ID + (int) Long.remainderUnsigned(h, USER_TYPE_ID_SPACE);
    }

    /**
     * JDK types registered on every member with fixed ids, in id order. The serializer used for each
     * is chosen by {@code KryoFactory}; this table only fixes the ids.
     */
    static final Map<Class<?>, Integer> JDK_TYPE_IDS = jdkTypeIds();

    /** An unmodifiable copy of the pre-registered JDK types and their ids, in id order. */
    public static Map<Class<?>, Integer> jdkTypeIdTable() {
        return JDK_TYPE_IDS;
    }

    private static Map<Class<?>, Integer> jdkTypeIds() {
        LinkedHashMap<Class<?>, Integer> m = new LinkedHashMap<>();
        // arrays
        m.put(byte[].class, 16);
        m.put(int[].class, 17);
        m.put(long[].class, 18);
        m.put(short[].class, 19);
        m.put(char[].class, 20);
        m.put(float[].class, 21);
        m.put(double[].class, 22);
        m.put(boolean[].class, 23);
        m.put(String[].class, 24);
        m.put(Object[].class, 25);
        // mutable collections
        m.put(ArrayList.class, 30);
        m.put(LinkedList.class, 31);
        m.put(HashMap.class, 32);
        m.put(LinkedHashMap.class, 33);
        m.put(TreeMap.class, 34);
        m.put(HashSet.class, 35);
        m.put(LinkedHashSet.class, 36);
        m.put(TreeSet.class, 37);
        m.put(ArrayDeque.class, 38);
        m.put(EnumSet.class, 39);
        m.put(ConcurrentHashMap.class, 40);
        // JDK immutable / wrapper collections (non-public classes, named by an instance)
        m.put(Collections.emptyList().getClass(), 41);
        m.put(Collections.emptySet().getClass(), 42);
        m.put(Collections.emptyMap().getClass(), 43);
        m.put(Collections.singletonList(0).getClass(), 44);
        m.put(Collections.singleton(0).getClass(), 45);
        m.put(Collections.singletonMap(0, 0).getClass(), 46);
        m.put(Arrays.asList(0).getClass(), 47);
        m.put(List.of(0).getClass(), 48); // ImmutableCollections$List12
        m.put(List.of().getClass(), 49); // ImmutableCollections$ListN (also Stream.toList())
        m.put(Set.of(0).getClass(), 50); // ImmutableCollections$Set12
        m.put(Set.of().getClass(), 51); // ImmutableCollections$SetN
        m.put(Map.of(0, 0).getClass(), 52); // ImmutableCollections$Map1
        m.put(Map.of().getClass(), 53); // ImmutableCollections$MapN
        m.put(Collections.unmodifiableCollection(new ArrayList<>()).getClass(), 54);
        m.put(Collections.unmodifiableList(new LinkedList<>()).getClass(), 55); // UnmodifiableList
        m.put(Collections.unmodifiableList(new ArrayList<>()).getClass(), 56); // ...RandomAccessList
        m.put(Collections.unmodifiableSet(new HashSet<>()).getClass(), 57);
        m.put(Collections.unmodifiableSortedSet(new TreeSet<>()).getClass(), 58);
        m.put(Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass(), 59);
        m.put(Collections.unmodifiableMap(new HashMap<>()).getClass(), 60);
        m.put(Collections.unmodifiableSortedMap(new TreeMap<>()).getClass(), 61);
        m.put(Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass(), 62);
        // comparators of sorted collections (singletons)
        m.put(Comparator.naturalOrder().getClass(), 63); // Comparators$NaturalOrderComparator
        m.put(Collections.reverseOrder().getClass(), 64); // Collections$ReverseComparator
        m.put(String.CASE_INSENSITIVE_ORDER.getClass(), 65); // String$CaseInsensitiveComparator
        // value types
        m.put(UUID.class, 70);
        m.put(BigDecimal.class, 71);
        m.put(BigInteger.class, 72);
        m.put(Optional.class, 73);
        m.put(OptionalInt.class, 74);
        m.put(OptionalLong.class, 75);
        m.put(OptionalDouble.class, 76);
        m.put(URI.class, 77);
        m.put(Locale.class, 78);
        m.put(Date.class, 79);
        m.put(BitSet.class, 80);
        // java.time
        m.put(Instant.class, 90);
        m.put(Duration.class, 91);
        m.put(LocalDate.class, 92);
        m.put(LocalTime.class, 93);
        m.put(LocalDateTime.class, 94);
        m.put(ZonedDateTime.class, 95);
        m.put(OffsetDateTime.class, 96);
        m.put(OffsetTime.class, 97);
        m.put(ZoneOffset.class, 98);
        m.put(ZoneId.of("Europe/Paris").getClass(), 99); // java.time.ZoneRegion
        m.put(Period.class, 100);
        m.put(Year.class, 101);
        m.put(YearMonth.class, 102);
        m.put(MonthDay.class, 103);
        m.put(DayOfWeek.class, 104);
        m.put(Month.class, 105);
        return Collections.unmodifiableMap(m);
    }
}
