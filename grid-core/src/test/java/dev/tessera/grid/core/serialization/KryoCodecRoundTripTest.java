package dev.tessera.grid.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.core.serialization.TestTypes.Account;
import dev.tessera.grid.core.serialization.TestTypes.Circle;
import dev.tessera.grid.core.serialization.TestTypes.CustomerKey;
import dev.tessera.grid.core.serialization.TestTypes.Line;
import dev.tessera.grid.core.serialization.TestTypes.Marker;
import dev.tessera.grid.core.serialization.TestTypes.Markers;
import dev.tessera.grid.core.serialization.TestTypes.Money;
import dev.tessera.grid.core.serialization.TestTypes.Op;
import dev.tessera.grid.core.serialization.TestTypes.Order;
import dev.tessera.grid.core.serialization.TestTypes.Shape;
import dev.tessera.grid.core.serialization.TestTypes.Square;
import dev.tessera.grid.core.serialization.TestTypes.Status;
import dev.tessera.grid.core.serialization.TestTypes.Token;
import dev.tessera.grid.core.serialization.TestTypes.Wrapper;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KryoCodecRoundTripTest {

    static final List<Class<?>> USER_TYPES = List.of(Order.class, Line.class, Money.class, Status.class,
            CustomerKey.class, Account.class, Op.class, Shape.class, Marker.class, Markers.class, Token.class,
            Wrapper.class, Order[].class);

    final KryoCodec codec = new KryoCodec(USER_TYPES);

    Object roundTrip(Object value) {
        return codec.deserialize(codec.serialize(value));
    }

    static Order sampleOrder() {
        Money price = new Money(new BigDecimal("19.99"), "EUR");
        return new Order(42L, "Zoë", List.of(new Line("sku-1", 2, price), new Line("sku-2", 1, price)),
                Status.PAID, new Money(new BigDecimal("59.97"), "EUR"));
    }

    // ---- fast paths ------------------------------------------------------------------------

    static Stream<Object[]> fastPathValues() {
        return Stream.of(
                new Object[] {null, WireFormat.TAG_NULL, 1},
                new Object[] {"", WireFormat.TAG_STRING_LATIN1, 1},
                new Object[] {"hello", WireFormat.TAG_STRING_LATIN1, 6},
                new Object[] {"crème brûlée", WireFormat.TAG_STRING_LATIN1, 13},
                new Object[] {"日本語", WireFormat.TAG_STRING_UTF8, 10},
                new Object[] {"smile \uD83D\uDE00!", WireFormat.TAG_STRING_UTF8, 12},
                new Object[] {"lone \uD800 high", WireFormat.TAG_STRING_UTF8, 14},
                new Object[] {"lone \uDC00 low", WireFormat.TAG_STRING_UTF8, 13},
                new Object[] {"\uDC00\uD800", WireFormat.TAG_STRING_UTF8, 7},
                new Object[] {new byte[0], WireFormat.TAG_BYTES, 1},
                new Object[] {new byte[] {1, -2, 3}, WireFormat.TAG_BYTES, 4},
                new Object[] {Integer.MIN_VALUE, WireFormat.TAG_INT, 5},
                new Object[] {7, WireFormat.TAG_INT, 5},
                new Object[] {Long.MAX_VALUE, WireFormat.TAG_LONG, 9},
                new Object[] {-1L, WireFormat.TAG_LONG, 9},
                new Object[] {UUID.randomUUID(), WireFormat.TAG_UUID, 17},
                new Object[] {true, WireFormat.TAG_BOOLEAN, 2},
                new Object[] {false, WireFormat.TAG_BOOLEAN, 2},
                new Object[] {Math.PI, WireFormat.TAG_DOUBLE, 9},
                new Object[] {-0.0d, WireFormat.TAG_DOUBLE, 9},
                new Object[] {Double.NaN, WireFormat.TAG_DOUBLE, 9},
                new Object[] {Double.NEGATIVE_INFINITY, WireFormat.TAG_DOUBLE, 9},
                new Object[] {1.5f, WireFormat.TAG_FLOAT, 5},
                new Object[] {(short) -12345, WireFormat.TAG_SHORT, 3},
                new Object[] {(byte) -7, WireFormat.TAG_BYTE, 2},
                new Object[] {'\uFFFF', WireFormat.TAG_CHAR, 3});
    }

    @ParameterizedTest
    @MethodSource("fastPathValues")
    void fastPathsRoundTripWithTheirTagAndSize(Object value, byte tag, int size) {
        byte[] bytes = codec.serialize(value);
        assertThat(bytes[0]).isEqualTo(tag);
        assertThat(bytes).hasSize(size);
        assertThat(codec.deserialize(bytes)).isEqualTo(value);
        if (value != null) {
            assertThat(codec.serializeKey(value)).isEqualTo(bytes);
        }
    }

    @Test
    void fastPathBytesArePinned() {
        assertThat(codec.serialize("abc")).containsExactly(0x01, 'a', 'b', 'c');
        assertThat(codec.serialize(258)).containsExactly(0x04, 0, 0, 1, 2);
        assertThat(codec.serialize(-2L)).containsExactly(0x05, -1, -1, -1, -1, -1, -1, -1, -2);
        assertThat(codec.serialize(new UUID(1, 2)))
                .containsExactly(0x06, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2);
        assertThat(codec.serialize("é€")).containsExactly(0x02, 0xC3 - 256, 0xA9 - 256, 0xE2 - 256, 0x82 - 256,
                0xAC - 256);
        assertThat(codec.serialize("\uD800")).containsExactly(0x02, 0xED - 256, 0xA0 - 256, 0x80 - 256);
    }

    @Test
    void kryoPayloadBytesArePinned() {
        // a change here means a Kryo upgrade (or a registration change) altered the wire format
        assertThat(codec.serialize(List.of("a", 1))).containsExactly(
                0x20, // TAG_KRYO
                50, // class id varint(48 + 2): ImmutableCollections$List12
                3, // 2 elements + 1
                3, 0x82 - 256, 'a', // class String (1 + 2), "a" as Kryo UTF-8: char count + 1 with flag bit
                2, 2); // class Integer (0 + 2), zig-zag varint 1
        assertThat(codec.serialize(new Money(new BigDecimal("1.5"), "EUR"))).startsWith(
                0x20, 0x80 + ((WireFormat.userTypeId(Money.class.getName()) + 2) & 0x7F) - 256);
    }

    @Test
    void nanIsCanonicalSoEqualDoublesHaveEqualBytes() {
        double otherNaN = Double.longBitsToDouble(0x7ff8000000000001L);
        assertThat(Double.valueOf(otherNaN).equals(Double.NaN)).isTrue();
        assertThat(codec.serializeKey(otherNaN)).isEqualTo(codec.serializeKey(Double.NaN));
    }

    @Test
    void byteArrayIsCopiedAndRangeOverloadReadsTheSlice() {
        byte[] payload = codec.serialize(new byte[] {9, 8, 7});
        byte[] framed = new byte[payload.length + 4];
        System.arraycopy(payload, 0, framed, 2, payload.length);
        assertThat((byte[]) codec.deserialize(framed, 2, payload.length)).containsExactly(9, 8, 7);
        assertThat(codec.deserialize(codec.serialize(sampleOrder()), 0, codec.serialize(sampleOrder()).length))
                .isEqualTo(sampleOrder());
    }

    // ---- pre-registered JDK types ----------------------------------------------------------

    static List<Object> jdkSamples() {
        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of("a", "b"));
        List<Object> samples = new ArrayList<>(List.of(
                new byte[] {1, 2}, new int[] {1, -1, Integer.MAX_VALUE}, new long[] {Long.MIN_VALUE, 0},
                new short[] {1, 2}, new char[] {'x', '\uD800'}, new float[] {1.5f}, new double[] {2.5, Double.NaN},
                new boolean[] {true, false}, new String[] {"a", null, "ü"}, new Object[] {1, "two", 3L, null},
                new ArrayList<>(List.of(1, 2, 3)), new LinkedList<>(List.of("x", "y")),
                new HashMap<>(Map.of("k", 1, "l", 2)), new LinkedHashMap<>(Map.of("k", List.of(1))),
                new TreeMap<>(Map.of("b", 2, "a", 1)), new HashSet<>(Set.of(1, 2)),
                new LinkedHashSet<>(List.of("z", "a")), new TreeSet<>(Set.of(3, 1, 2)),
                new ArrayDeque<>(List.of(1, 2)), EnumSet.of(Status.NEW, Status.SHIPPED),
                new ConcurrentHashMap<>(Map.of("c", 3)),
                Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.singletonList("one"), Collections.singleton(1), Collections.singletonMap("k", "v"),
                Arrays.asList(1, null, 3), List.of(1), List.of(), List.of(1, 2, 3), Set.of("x"), Set.of(),
                Map.of("k", "v"), Map.of(),
                Collections.unmodifiableCollection(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
                Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableSet(new HashSet<>(Set.of(1, 2))),
                Collections.unmodifiableSortedSet(reversed),
                Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(1, 2))),
                Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))),
                Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(1, 2))),
                Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(1, 2))),
                Comparator.naturalOrder(), Collections.reverseOrder(), String.CASE_INSENSITIVE_ORDER,
                UUID.randomUUID(), new BigDecimal("-12345678901234567890.000001"),
                new BigInteger("123456789012345678901234567890"), Optional.of("x"), Optional.empty(),
                OptionalInt.of(3), OptionalLong.of(4), OptionalDouble.of(5.5), URI.create("https://example.com/a?b"),
                Locale.CANADA_FRENCH, new Date(1_700_000_000_000L), BitSet.valueOf(new long[] {5, 1}),
                Instant.parse("2024-05-06T07:08:09.123456789Z"), Duration.ofSeconds(5, 7), LocalDate.of(2024, 2, 29),
                LocalTime.of(23, 59, 58, 1), LocalDateTime.of(2024, 1, 1, 0, 0), ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0,
                        ZoneId.of("Europe/Paris")),
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-5)), OffsetTime.of(1, 2, 3, 4,
                        ZoneOffset.UTC), ZoneOffset.ofHoursMinutes(5, 30), ZoneId.of("America/New_York"), Period.of(1, 2, 3),
                Year.of(2024), YearMonth.of(2024, 2), MonthDay.of(2, 29), DayOfWeek.FRIDAY, Month.DECEMBER));
        return samples;
    }

    @Test
    void samplesCoverEveryPreRegisteredJdkType() {
        Set<Class<?>> covered = jdkSamples().stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> table = WireFormat.jdkTypeIdTable().keySet();
        for (Class<?> type : table) {
            assertThat(covered.stream().anyMatch(type::isAssignableFrom)).as(type.getName()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("jdkSamples")
    void preRegisteredJdkTypesRoundTrip(Object value) {
        byte[] bytes = codec.serialize(value);
        Object back = codec.deserialize(bytes);
        if (value instanceof ArrayDeque<?> deque) {
            assertThat(back).isInstanceOf(ArrayDeque.class);
            assertThat(new ArrayList<>((ArrayDeque<?>) back)).isEqualTo(new ArrayList<>(deque));
        } else if (value instanceof Collection<?> c && !(value instanceof List) && !(value instanceof Set)) {
            assertThat(new ArrayList<>((Collection<?>) back)).isEqualTo(new ArrayList<>(c));
        } else {
            assertThat(back).isEqualTo(value);
        }
        assertThat(codec.serialize(back)).as("re-serialization is stable").isEqualTo(bytes);
    }

    @Test
    @SuppressWarnings("unchecked")
    void immutableAndUnmodifiableCollectionsStayUnmodifiable() {
        for (Object value : List.of(List.of(1, 2, 3), List.of(1), Set.of(1), Map.of(1, 2), Collections.emptyList(),
                Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                Collections.unmodifiableSet(new HashSet<>(Set.of(1))),
                Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))))) {
            Object back = roundTrip(value);
            if (back instanceof Collection<?> c) {
                assertThatThrownBy(() -> ((Collection<Object>) c).add(9)).isInstanceOf(UnsupportedOperationException.class);
            } else {
                assertThatThrownBy(() -> ((Map<Object, Object>) back).put(9, 9))
                        .isInstanceOf(UnsupportedOperationException.class);
            }
        }
        TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
        reversed.addAll(List.of("a", "c", "b"));
        @SuppressWarnings("unchecked")
        TreeSet<String> sorted = (TreeSet<String>) roundTrip(reversed);
        assertThat(sorted).containsExactly("c", "b", "a");
    }

    @Test
    void jdkComparatorsOfSortedCollectionsRoundTrip() {
        for (Comparator<String> comparator : List.<Comparator<String>>of(Comparator.naturalOrder(),
                Comparator.reverseOrder(), Collections.reverseOrder(), String.CASE_INSENSITIVE_ORDER)) {
            TreeMap<String, Integer> map = new TreeMap<>(comparator);
            map.putAll(Map.of("b", 2, "A", 1, "c", 3));
            @SuppressWarnings("unchecked")
            TreeMap<String, Integer> back = (TreeMap<String, Integer>) roundTrip(map);
            assertThat(back).containsExactlyEntriesOf(map);
            assertThat(back.comparator()).isSameAs(comparator);
        }
    }

    @Test
    void streamToListWithNullsRoundTrips() {
        List<String> list = Stream.of("a", null, "b").toList();
        assertThat(roundTrip(list)).isEqualTo(list);
    }

    @Test
    void boxedValuesInsideKryoPayloadsRoundTrip() {
        Object[] mixed = {1, 2L, 3.0, 4.0f, (short) 5, (byte) 6, '7', true, "8", UUID.randomUUID(), new byte[] {9}};
        assertThat((Object[]) roundTrip(mixed)).isEqualTo(mixed);
    }

    // ---- user types ------------------------------------------------------------------------

    @Test
    void userRecordWithNestedRecordListAndEnumRoundTrips() {
        Order order = sampleOrder();
        byte[] bytes = codec.serialize(order);
        assertThat(bytes[0]).isEqualTo(WireFormat.TAG_KRYO);
        assertThat(codec.deserialize(bytes)).isEqualTo(order);
    }

    @Test
    void recordWithNullComponentsRoundTrips() {
        Order order = new Order(1, null, null, null, null);
        assertThat(roundTrip(order)).isEqualTo(order);
    }

    @Test
    void enumsIncludingConstantsWithBodiesRoundTrip() {
        assertThat(roundTrip(Status.SHIPPED)).isSameAs(Status.SHIPPED);
        assertThat(roundTrip(Op.MUL)).isSameAs(Op.MUL);
        assertThat(roundTrip(List.of(Op.ADD, Op.MUL))).isEqualTo(List.of(Op.ADD, Op.MUL));
    }

    @Test
    void sealedInterfaceRegistersItsPermittedSubclasses() {
        assertThat(codec.userTypeIds()).containsKeys(Circle.class, Square.class).doesNotContainKey(Shape.class);
        List<Shape> shapes = List.of(new Circle(1.5), new Square(2));
        assertThat(roundTrip(shapes)).isEqualTo(shapes);
    }

    @Test
    void plainClassesAndFieldlessTypesRoundTrip() {
        Account account = new Account("ann", 100, List.of("vip"));
        assertThat(roundTrip(account)).isEqualTo(account);
        assertThat(roundTrip(new Token())).isEqualTo(new Token());
        assertThat(roundTrip(new Marker())).isEqualTo(new Marker());
        // many zero-field elements in few bytes: the one-byte minimum keeps the length checks exact
        Markers markers = new Markers(IntStream.range(0, 1000).mapToObj(i -> new Marker()).toList());
        assertThat(roundTrip(markers)).isEqualTo(markers);
        List<Token> tokens = IntStream.range(0, 100).mapToObj(i -> new Token()).toList();
        assertThat(roundTrip(new ArrayList<>(tokens))).isEqualTo(tokens);
        List<Object> empties = List.of(Collections.emptyList(), Collections.emptyList(), Collections.emptyList());
        assertThat(roundTrip(new ArrayList<>(empties))).isEqualTo(empties);
    }

    @Test
    void arraysOfUserTypesRoundTrip() {
        Order[] orders = {sampleOrder(), null, sampleOrder()};
        assertThat((Order[]) roundTrip(orders)).containsExactly(orders);
    }

    @Test
    void sharedReferencesAreCopiedNotShared() {
        Money m = new Money(BigDecimal.ONE, "EUR");
        @SuppressWarnings("unchecked")
        List<Money> back = (List<Money>) roundTrip(new ArrayList<>(List.of(m, m)));
        assertThat(back).containsExactly(m, m);
        assertThat(back.get(0)).isNotSameAs(back.get(1));
    }

    @Test
    void largeValuesRoundTripAndLeaveTheCodecUsable() {
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        Wrapper wrapper = new Wrapper(big);
        assertThat((byte[]) ((Wrapper) roundTrip(wrapper)).payload()).isEqualTo(big);
        String longText = "é".repeat(100_000) + "日";
        assertThat(roundTrip(new Wrapper(longText))).isEqualTo(new Wrapper(longText));
        assertThat(roundTrip(sampleOrder())).isEqualTo(sampleOrder());
    }

    // ---- determinism across members ----------------------------------------------------------

    @Test
    void registrationOrderDoesNotChangeTheBytes() {
        List<Class<?>> reversed = new ArrayList<>(USER_TYPES);
        Collections.reverse(reversed);
        KryoCodec other = new KryoCodec(reversed);
        KryoCodec shuffled = new KryoCodec(new LinkedHashSet<>(List.of(Wrapper.class, Token.class, Money.class,
                Shape.class, Order[].class, Markers.class, Marker.class, Op.class, Account.class, CustomerKey.class,
                Status.class, Line.class, Order.class)));
        assertThat(other.typeFingerprint()).isEqualTo(codec.typeFingerprint());
        assertThat(shuffled.typeFingerprint()).isEqualTo(codec.typeFingerprint());
        assertThat(other.userTypeIds()).isEqualTo(codec.userTypeIds());
        for (Object value : List.of(sampleOrder(), new CustomerKey("t1", 7), List.of(Status.NEW, new Circle(1)),
                new Account("bob", 1, List.of("a")), new Markers(List.of(new Marker())))) {
            byte[] a = codec.serialize(value);
            assertThat(other.serialize(value)).isEqualTo(a);
            assertThat(shuffled.serialize(value)).isEqualTo(a);
            assertThat(other.deserialize(a)).isEqualTo(value);
        }
    }

    @Test
    void fingerprintDiffersWhenTheRegisteredTypesDiffer() {
        assertThat(new KryoCodec(List.of(Money.class)).typeFingerprint())
                .isNotEqualTo(new KryoCodec(List.of(Money.class, Line.class)).typeFingerprint())
                .isEqualTo(new KryoCodec(List.of(Money.class, String.class, Money.class)).typeFingerprint());
    }

    @Test
    void userTypeIdsComeFromTheClassName() {
        codec.userTypeIds().forEach((type, id) -> assertThat(id).isEqualTo(WireFormat.userTypeId(type.getName())));
    }
}
