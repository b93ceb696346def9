package dev.tessera.grid.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pins the wire format. If a test here fails, you changed the cluster protocol: members of the old
 * and the new version can no longer read each other's data, and every stored key moves partition.
 * Only appending (a new tag, a new JDK id) is allowed, and it must be added to the tables below.
 */
class WireFormatTest {

    @Test
    void tagsAreExactlyThePinnedTable() throws Exception {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("TAG_NULL", 0x00);
        expected.put("TAG_STRING_LATIN1", 0x01);
        expected.put("TAG_STRING_UTF8", 0x02);
        expected.put("TAG_BYTES", 0x03);
        expected.put("TAG_INT", 0x04);
        expected.put("TAG_LONG", 0x05);
        expected.put("TAG_UUID", 0x06);
        expected.put("TAG_BOOLEAN", 0x07);
        expected.put("TAG_DOUBLE", 0x08);
        expected.put("TAG_FLOAT", 0x09);
        expected.put("TAG_SHORT", 0x0A);
        expected.put("TAG_BYTE", 0x0B);
        expected.put("TAG_CHAR", 0x0C);
        expected.put("TAG_KRYO", 0x20);

        Map<String, Integer> actual = new LinkedHashMap<>();
        for (Field f : WireFormat.class.getDeclaredFields()) {
            if (f.getName().startsWith("TAG_")) {
                assertThat(Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                        && Modifier.isFinal(f.getModifiers())).as(f.getName()).isTrue();
                actual.put(f.getName(), (int) f.getByte(null));
            }
        }
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void idRangesArePinned() {
        assertThat(WireFormat.FIRST_JDK_TYPE_ID).isEqualTo(16);
        assertThat(WireFormat.MIN_USER_TYPE_ID).isEqualTo(2_097_152);
        assertThat(WireFormat.USER_TYPE_ID_SPACE).isEqualTo(266_338_302);
        assertThat(WireFormat.JDK_TYPE_IDS.values())
                .allSatisfy(id -> assertThat(id).isBetween(WireFormat.FIRST_JDK_TYPE_ID, 127)); // 1-byte varint
    }

    @Test
    void userTypeIdHashIsPinned() {
        // FNV-1a 64 of the UTF-8 class name, reduced into the user range; recomputed independently.
        assertThat(WireFormat.userTypeId("com.acme.Order")).isEqualTo(186_971_422);
        assertThat(WireFormat.userTypeId("dev.tessera.grid.core.serialization.TestTypes$Order"))
                .isEqualTo(157_178_351);
        assertThat(WireFormat.userTypeId("")).isEqualTo(68_759_815);
    }

    @Test
    void kryoBuiltInIdsAreAsExpected() {
        Kryo kryo = new Kryo();
        Map<Integer, Class<?>> expected = new TreeMap<>(Map.of(
                0, int.class, 1, String.class, 2, float.class, 3, boolean.class, 4, byte.class,
                5, char.class, 6, short.class, 7, long.class, 8, double.class));
        Map<Integer, Class<?>> actual = new TreeMap<>();
        for (int id = 0; id < WireFormat.FIRST_JDK_TYPE_ID; id++) {
            if (kryo.getRegistration(id) != null) {
                actual.put(id, kryo.getRegistration(id).getType());
            }
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void preRegisteredJdkIdsAreExactlyThePinnedTable() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("[B", 16);
        expected.put("[I", 17);
        expected.put("[J", 18);
        expected.put("[S", 19);
        expected.put("[C", 20);
        expected.put("[F", 21);
        expected.put("[D", 22);
        expected.put("[Z", 23);
        expected.put("[Ljava.lang.String;", 24);
        expected.put("[Ljava.lang.Object;", 25);
        expected.put("java.util.ArrayList", 30);
        expected.put("java.util.LinkedList", 31);
        expected.put("java.util.HashMap", 32);
        expected.put("java.util.LinkedHashMap", 33);
        expected.put("java.util.TreeMap", 34);
        expected.put("java.util.HashSet", 35);
        expected.put("java.util.LinkedHashSet", 36);
        expected.put("java.util.TreeSet", 37);
        expected.put("java.util.ArrayDeque", 38);
        expected.put("java.util.EnumSet", 39);
        expected.put("java.util.concurrent.ConcurrentHashMap", 40);
        expected.put("java.util.Collections$EmptyList", 41);
        expected.put("java.util.Collections$EmptySet", 42);
        expected.put("java.util.Collections$EmptyMap", 43);
        expected.put("java.util.Collections$SingletonList", 44);
        expected.put("java.util.Collections$SingletonSet", 45);
        expected.put("java.util.Collections$SingletonMap", 46);
        expected.put("java.util.Arrays$ArrayList", 47);
        expected.put("java.util.ImmutableCollections$List12", 48);
        expected.put("java.util.ImmutableCollections$ListN", 49);
        expected.put("java.util.ImmutableCollections$Set12", 50);
        expected.put("java.util.ImmutableCollections$SetN", 51);
        expected.put("java.util.ImmutableCollections$Map1", 52);
        expected.put("java.util.ImmutableCollections$MapN", 53);
        expected.put("java.util.Collections$UnmodifiableCollection", 54);
        expected.put("java.util.Collections$UnmodifiableList", 55);
        expected.put("java.util.Collections$UnmodifiableRandomAccessList", 56);
        expected.put("java.util.Collections$UnmodifiableSet", 57);
        expected.put("java.util.Collections$UnmodifiableSortedSet", 58);
        expected.put("java.util.Collections$UnmodifiableNavigableSet", 59);
        expected.put("java.util.Collections$UnmodifiableMap", 60);
        expected.put("java.util.Collections$UnmodifiableSortedMap", 61);
        expected.put("java.util.Collections$UnmodifiableNavigableMap", 62);
        expected.put("java.util.Comparators$NaturalOrderComparator", 63);
        expected.put("java.util.Collections$ReverseComparator", 64);
        expected.put("java.lang.String$CaseInsensitiveComparator", 65);
        expected.put("java.util.UUID", 70);
        expected.put("java.math.BigDecimal", 71);
        expected.put("java.math.BigInteger", 72);
        expected.put("java.util.Optional", 73);
        expected.put("java.util.OptionalInt", 74);
        expected.put("java.util.OptionalLong", 75);
        expected.put("java.util.OptionalDouble", 76);
        expected.put("java.net.URI", 77);
        expected.put("java.util.Locale", 78);
        expected.put("java.util.Date", 79);
        expected.put("java.util.BitSet", 80);
        expected.put("java.time.Instant", 90);
        expected.put("java.time.Duration", 91);
        expected.put("java.time.LocalDate", 92);
        expected.put("java.time.LocalTime", 93);
        expected.put("java.time.LocalDateTime", 94);
        expected.put("java.time.ZonedDateTime", 95);
        expected.put("java.time.OffsetDateTime", 96);
        expected.put("java.time.OffsetTime", 97);
        expected.put("java.time.ZoneOffset", 98);
        expected.put("java.time.ZoneRegion", 99);
        expected.put("java.time.Period", 100);
        expected.put("java.time.Year", 101);
        expected.put("java.time.YearMonth", 102);
        expected.put("java.time.MonthDay", 103);
        expected.put("java.time.DayOfWeek", 104);
        expected.put("java.time.Month", 105);

        Map<String, Integer> actual = new LinkedHashMap<>();
        WireFormat.jdkTypeIdTable().forEach((type, id) -> actual.put(type.getName(), id));
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void everyCodecRegistersTheJdkTypesUnderThePinnedIds() {
        GridKryo kryo = new KryoFactory(List.of()).newKryo();
        WireFormat.jdkTypeIdTable().forEach((type, id) ->
                assertThat(kryo.getRegistration(type).getId()).as(type.getName()).isEqualTo(id));
        for (Class<?> builtIn : Set.of(Integer.class, String.class, Long.class, Boolean.class)) {
            assertThat(kryo.getRegistration(builtIn).getId()).isLessThan(WireFormat.FIRST_JDK_TYPE_ID);
        }
    }
}
