package dev.tessera.grid.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.core.serialization.TestTypes.Account;
import dev.tessera.grid.core.serialization.TestTypes.Attributes;
import dev.tessera.grid.core.serialization.TestTypes.CustomerKey;
import dev.tessera.grid.core.serialization.TestTypes.HasUnregistered;
import dev.tessera.grid.core.serialization.TestTypes.KeyWithMap;
import dev.tessera.grid.core.serialization.TestTypes.Line;
import dev.tessera.grid.core.serialization.TestTypes.Marker;
import dev.tessera.grid.core.serialization.TestTypes.Markers;
import dev.tessera.grid.core.serialization.TestTypes.Money;
import dev.tessera.grid.core.serialization.TestTypes.Node;
import dev.tessera.grid.core.serialization.TestTypes.NotSealed;
import dev.tessera.grid.core.serialization.TestTypes.Order;
import dev.tessera.grid.core.serialization.TestTypes.Status;
import dev.tessera.grid.core.serialization.TestTypes.Unregistered;
import dev.tessera.grid.core.serialization.TestTypes.Wrapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KryoCodecErrorsTest {

    final KryoCodec codec = new KryoCodec(List.of(Order.class, Line.class, Money.class, Status.class,
            CustomerKey.class, HasUnregistered.class, Wrapper.class, Attributes.class, Node.class, KeyWithMap.class,
            Account.class, Marker.class, Markers.class, StringBuilder.class));

    // ---- unregistered types, on the caller ----------------------------------------------------

    @Test
    void unregisteredTypeNamesTheClassAndTheFix() {
        assertThatThrownBy(() -> codec.serialize(new Unregistered("x")))
                .isInstanceOf(GridSerializationException.class)
                .hasMessage("Cannot serialize dev.tessera.grid.core.serialization.TestTypes$Unregistered: the type is "
                        + "not registered. Register it on every member with Grid.builder().registerType("
                        + "dev.tessera.grid.core.serialization.TestTypes.Unregistered.class).");
    }

    @Test
    void unregisteredFieldTypeIsNamedNotTheOuterType() {
        assertThatThrownBy(() -> codec.serialize(new HasUnregistered("n", new Unregistered("x"))))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageStartingWith("Cannot serialize dev.tessera.grid.core.serialization.TestTypes$HasUnregistered: "
                        + "it contains a dev.tessera.grid.core.serialization.TestTypes$Unregistered")
                .hasMessageContaining("inner")
                .hasMessageEndingWith("which is not registered. Register it on every member with "
                        + "Grid.builder().registerType(dev.tessera.grid.core.serialization.TestTypes.Unregistered.class).");
    }

    @Test
    void unregisteredTypeInsideCollectionsIsNamed() {
        Supplier<Object> inList = () -> new Wrapper(new ArrayList<>(List.of(new Unregistered("x"))));
        Supplier<Object> inMap = () -> new Wrapper(new HashMap<>(Map.of("k", Optional.of(new Unregistered("x")))));
        Supplier<Object> inArray = () -> new Object[] {1, new Unregistered("x")};
        for (Supplier<Object> value : List.of(inList, inMap, inArray)) {
            assertThatThrownBy(() -> codec.serialize(value.get()))
                    .isInstanceOf(GridSerializationException.class)
                    .hasMessageContaining("it contains a dev.tessera.grid.core.serialization.TestTypes$Unregistered")
                    .hasMessageContaining("registerType(dev.tessera.grid.core.serialization.TestTypes.Unregistered.class)");
        }
    }

    @Test
    void unregisteredJdkTypeIsNamed() {
        assertThatThrownBy(() -> codec.serialize(new Wrapper(new PriorityQueue<>(List.of(1)))))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("it contains a java.util.PriorityQueue");
        Runnable lambda = () -> {};
        assertThatThrownBy(() -> codec.serialize(lambda))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("the type is not registered");
    }

    @Test
    void failuresLeaveTheCodecUsableAndItsBytesUnchanged() {
        Order order = new Order(1, "c", List.of(new Line("s", 1, new Money(BigDecimal.TEN, "EUR"))), Status.NEW, null);
        byte[] before = codec.serialize(order);
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> codec.serialize(new HasUnregistered("n", new Unregistered("x"))))
                    .isInstanceOf(GridSerializationException.class);
            assertThatThrownBy(() -> codec.serializeKey(new Wrapper(new HashMap<>(Map.of(1, 2)))))
                    .isInstanceOf(GridSerializationException.class);
            assertThatThrownBy(() -> codec.deserialize(new byte[] {WireFormat.TAG_KRYO, 127, 1, 2}))
                    .isInstanceOf(GridSerializationException.class);
        }
        assertThat(codec.serialize(order)).isEqualTo(before);
        assertThat(codec.deserialize(before)).isEqualTo(order);
    }

    @Test
    void cyclesAndExcessiveNestingFailCleanly() {
        List<Node> children = new ArrayList<>();
        Node cyclic = new Node("root", children);
        children.add(cyclic);
        assertThatThrownBy(() -> codec.serialize(cyclic))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("nested more than 128 levels deep or has a cycle");

        Node deep = new Node("leaf", List.of());
        for (int i = 0; i < 200; i++) {
            deep = new Node("n" + i, new ArrayList<>(List.of(deep)));
        }
        Node tooDeep = deep;
        assertThatThrownBy(() -> codec.serialize(tooDeep)).isInstanceOf(GridSerializationException.class);

        Node ok = new Node("leaf", List.of());
        for (int i = 0; i < 30; i++) {
            ok = new Node("n" + i, new ArrayList<>(List.of(ok)));
        }
        assertThat(codec.deserialize(codec.serialize(ok))).isEqualTo(ok);
    }

    // ---- construction ----------------------------------------------------------------------

    @Test
    void idCollisionFailsConstructionNamingBothClasses() {
        assertThatThrownBy(() -> new KryoFactory(List.of(Money.class, Line.class), name -> WireFormat.MIN_USER_TYPE_ID + 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.tessera.grid.core.serialization.TestTypes$Line")
                .hasMessageContaining("dev.tessera.grid.core.serialization.TestTypes$Money")
                .hasMessageContaining(String.valueOf(WireFormat.MIN_USER_TYPE_ID + 7));
    }

    @Test
    void typesThatCannotBeRegisteredFailConstruction() {
        assertThatThrownBy(() -> new KryoCodec(List.of(NotSealed.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NotSealed: it is an interface");
        Runnable lambda = () -> {};
        assertThatThrownBy(() -> new KryoCodec(List.of(lambda.getClass())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hidden");
        assertThatThrownBy(() -> new KryoCodec(List.of(PriorityQueue.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not hardened");
        assertThatThrownBy(() -> new KryoCodec(List.of(EnumMap.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EnumMap");
        assertThatThrownBy(() -> new KryoCodec(List.of(Thread.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Thread");
    }

    @Test
    void registeringBuiltInsIsANoOp() {
        KryoCodec c = new KryoCodec(List.of(String.class, Integer.class, int.class, HashMap.class, UUID.class));
        assertThat(c.userTypeIds()).isEmpty();
    }

    // ---- hostile and broken input -------------------------------------------------------------

    @Test
    void emptyUnknownAndWrongSizedPayloadsAreRejected() {
        List<byte[]> bad = List.of(
                new byte[0],
                new byte[] {0x7F},
                new byte[] {(byte) 0xFF, 1, 2},
                new byte[] {WireFormat.TAG_NULL, 0},
                new byte[] {WireFormat.TAG_INT, 1, 2, 3},
                new byte[] {WireFormat.TAG_INT, 1, 2, 3, 4, 5},
                new byte[] {WireFormat.TAG_LONG, 1},
                new byte[] {WireFormat.TAG_UUID, 1, 2},
                new byte[] {WireFormat.TAG_BOOLEAN},
                new byte[] {WireFormat.TAG_BOOLEAN, 2},
                new byte[] {WireFormat.TAG_DOUBLE},
                new byte[] {WireFormat.TAG_FLOAT, 1, 2, 3, 4, 5},
                new byte[] {WireFormat.TAG_SHORT, 1},
                new byte[] {WireFormat.TAG_BYTE},
                new byte[] {WireFormat.TAG_CHAR, 1, 2, 3},
                new byte[] {WireFormat.TAG_KRYO},
                new byte[] {WireFormat.TAG_KRYO, 0}, // Kryo null: non-canonical
                new byte[] {WireFormat.TAG_KRYO, 2, 2}, // Kryo Integer: non-canonical
                new byte[] {WireFormat.TAG_KRYO, 127}, // unregistered id
                new byte[] {WireFormat.TAG_KRYO, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F},
                new byte[] {WireFormat.TAG_STRING_UTF8, 'a'}, // ASCII in UTF-8 form: non-canonical
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xC3}, // truncated
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xC0, (byte) 0x80}, // overlong
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // > U+10FFFF
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xFF},
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0x80},
                // U+D800 U+DC00 as two 3-byte sequences: must be one 4-byte sequence
                new byte[] {WireFormat.TAG_STRING_UTF8, (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xED, (byte) 0xB0,
                        (byte) 0x80});
        for (byte[] bytes : bad) {
            assertThatThrownBy(() -> codec.deserialize(bytes)).as(Arrays.toString(bytes))
                    .isInstanceOf(GridSerializationException.class);
        }
    }

    @Test
    void classNamesInTheInputAreRefused() {
        // Kryo's by-name class form: varint(NAME + 2) = 1, name id, class name as a Kryo string
        com.esotericsoftware.kryo.io.Output out = new com.esotericsoftware.kryo.io.Output(64);
        out.writeByte(WireFormat.TAG_KRYO);
        out.writeVarInt(1, true);
        out.writeVarInt(0, true);
        out.writeString("java.lang.ProcessBuilder");
        byte[] bytes = out.toBytes();
        assertThatThrownBy(() -> codec.deserialize(bytes))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("Class names are not accepted");
    }

    @Test
    void unknownTypeIdSaysMembersMustRegisterTheSameTypes() {
        byte[] bytes = codec.serialize(new Money(BigDecimal.ONE, "EUR"));
        KryoCodec other = new KryoCodec(List.of(Line.class));
        assertThatThrownBy(() -> other.deserialize(bytes))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("unregistered class ID: " + WireFormat.userTypeId(Money.class.getName()))
                .hasMessageContaining("Every member must register the same types");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] valid = codec.serialize(new Money(BigDecimal.ONE, "EUR"));
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);
        assertThatThrownBy(() -> codec.deserialize(longer))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining("trailing");
    }

    static List<Object> kryoSamples() {
        return List.of(
                new Order(7, "c", List.of(new Line("s", 1, new Money(new BigDecimal("1.25"), "EUR"))), Status.PAID,
                        new Money(BigDecimal.TEN, "USD")),
                new Attributes("n", new HashMap<>(Map.of("a", "b", "c", "d"))),
                new Wrapper(new byte[] {1, 2, 3}), new Wrapper(new int[] {1, 2}), new Wrapper(new long[] {1, 2}),
                new Wrapper(new boolean[] {true}), new Wrapper(new char[] {'a'}), new Wrapper(new short[] {1}),
                new Wrapper(new float[] {1}), new Wrapper(new double[] {1}), new Wrapper(new String[] {"a", "bc"}),
                new Object[] {"a", 1, List.of(2)}, new ArrayList<>(List.of("x", "yz")), new LinkedList<>(List.of(1)),
                new HashSet<>(Set.of(1, 2)), new LinkedHashSet<>(Set.of("q")), new TreeSet<>(Set.of(1, 2)),
                new LinkedHashMap<>(Map.of(1, "v")), new TreeMap<>(Map.of("k", 1)), new ConcurrentHashMap<>(Map.of(1, 1)),
                new ArrayDeque<>(List.of(1, 2)), EnumSet.of(Status.NEW), List.of(1, 2, 3), Set.of(1, 2, 3),
                Map.of(1, 2, 3, 4), Arrays.asList(1, 2), Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))), new BigInteger("123456789012345678901234567890"),
                new BigDecimal("3.14159265358979323846"), BitSet.valueOf(new long[] {7, 7}),
                new Wrapper("a string of some length inside a record"), new Wrapper(new StringBuilder("sb")),
                new Markers(List.of(new Marker(), new Marker())), new Account("x", 1, List.of("t")),
                new Wrapper(Optional.of("o")));
    }

    @Test
    @Timeout(60)
    void everyStrictPrefixOfAKryoPayloadIsRejected() {
        for (Object sample : kryoSamples()) {
            byte[] valid = codec.serialize(sample);
            for (int len = 0; len < valid.length; len++) {
                int n = len;
                assertThatThrownBy(() -> codec.deserialize(valid, 0, n))
                        .as("%s truncated to %d of %d bytes", sample.getClass().getSimpleName(), n, valid.length)
                        .isInstanceOf(GridSerializationException.class);
            }
        }
    }

    /**
     * Splices absurd lengths (varints up to 2^32 - 1, and negatives) into every position of valid
     * payloads. Kryo would allocate a 2 GB array for most of them; the codec must reject them
     * before allocating (the test JVM has far less heap than that) and throw only
     * GridSerializationException.
     */
    @Test
    @Timeout(120)
    void absurdLengthsAnywhereAreRejectedWithoutAllocating() {
        byte[][] hostile = {
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}, // 2^32 - 1
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}, // 2^31 - 1
            {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F}, // 2^28 - 2
            {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}, // 2^31 (negative as int)
            {(byte) 0xFF, (byte) 0xFF, 0x7F}, // 2^21 - 1
        };
        int attempts = 0;
        for (Object sample : kryoSamples()) {
            byte[] valid = codec.serialize(sample);
            for (int pos = 1; pos < valid.length; pos++) {
                for (byte[] h : hostile) {
                    for (boolean overwrite : new boolean[] {false, true}) {
                        byte[] bytes = splice(valid, pos, h, overwrite);
                        attempts++;
                        assertThatCode(() -> {
                            try {
                                codec.deserialize(bytes);
                            } catch (GridSerializationException expected) {
                                // rejected: fine
                            }
                        }).as("%s with %s at %d", sample.getClass().getSimpleName(), Arrays.toString(h), pos)
                                .doesNotThrowAnyException();
                    }
                }
            }
        }
        assertThat(attempts).isGreaterThan(1000);
    }

    @Test
    @Timeout(120)
    void randomByteFlipsNeverEscapeAsAnotherException() {
        java.util.Random random = new java.util.Random(42);
        for (Object sample : kryoSamples()) {
            byte[] valid = codec.serialize(sample);
            for (int i = 0; i < 300; i++) {
                byte[] bytes = valid.clone();
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    bytes[1 + random.nextInt(bytes.length - 1)] = (byte) random.nextInt(256);
                }
                assertThatCode(() -> {
                    try {
                        codec.deserialize(bytes);
                    } catch (GridSerializationException expected) {
                        // rejected: fine
                    }
                }).as("%s mutated to %s", sample.getClass().getSimpleName(), Arrays.toString(bytes))
                        .doesNotThrowAnyException();
            }
        }
    }

    private static byte[] splice(byte[] valid, int pos, byte[] insert, boolean overwrite) {
        byte[] out = new byte[overwrite ? Math.max(valid.length, pos + insert.length) : valid.length + insert.length];
        System.arraycopy(valid, 0, out, 0, pos);
        System.arraycopy(insert, 0, out, pos, insert.length);
        if (overwrite) {
            if (pos + insert.length < valid.length) {
                System.arraycopy(valid, pos + insert.length, out, pos + insert.length, valid.length - pos - insert.length);
            }
        } else {
            System.arraycopy(valid, pos, out, pos + insert.length, valid.length - pos);
        }
        return out;
    }

    // ---- keys --------------------------------------------------------------------------------

    @Test
    void hashMapKeyIsRejectedWithAdvice() {
        assertThatThrownBy(() -> codec.serializeKey(new HashMap<>(Map.of("a", 1))))
                .isInstanceOf(GridSerializationException.class)
                .hasMessage("Cannot use java.util.HashMap as a key: a java.util.HashMap, whose serialized bytes depend "
                        + "on its iteration order. Equal keys must have identical bytes on every member to find the "
                        + "same partition. Use a TreeMap (or another SortedMap), an EnumMap, or a List of entries in a "
                        + "record instead.");
    }

    @Test
    void unorderedPartsAnywhereInAKeyAreRejected() {
        List<Object> rejected = List.of(
                new HashSet<>(Set.of(1)),
                new LinkedHashMap<>(Map.of(1, 2)),
                new LinkedHashSet<>(Set.of(1)),
                new ConcurrentHashMap<>(Map.of(1, 2)),
                Set.of(1, 2, 3),
                Map.of(1, 2),
                Collections.emptySet(),
                Collections.singletonMap(1, 2),
                Collections.unmodifiableSet(new TreeSet<>(Set.of(1))),
                Collections.unmodifiableCollection(new ArrayList<>(List.of(1))),
                new ArrayDeque<>(List.of(1)),
                new Attributes("n", new HashMap<>(Map.of("a", "b"))),
                new Wrapper(List.of(1, Set.of(2))),
                new Wrapper(Optional.of(new HashSet<>(Set.of(1)))),
                new Object[] {1, new HashMap<>()},
                new KeyWithMap());
        for (Object key : rejected) {
            assertThatThrownBy(() -> codec.serializeKey(key)).as(key.getClass().getName())
                    .isInstanceOf(GridSerializationException.class)
                    .hasMessageStartingWith("Cannot use " + key.getClass().getName() + " as a key: ")
                    .hasMessageContaining("iteration order")
                    .hasMessageContaining(" instead.");
            assertThatCode(() -> codec.serialize(key)).as("as a value it is fine").doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> codec.serializeKey(new Attributes("n", new HashMap<>())))
                .hasMessageContaining("it contains a java.util.HashMap (at attributes (");
    }

    @Test
    void orderedKeysAreAcceptedAndEqualToTheirValueBytes() {
        List<Object> accepted = List.of(
                "k", 1, 2L, UUID.randomUUID(), new byte[] {1}, Status.NEW, new CustomerKey("tenant", 9),
                new ArrayList<>(List.of(1, 2)), List.of("a", "b"), new TreeMap<>(Map.of("a", 1)),
                new TreeSet<>(Set.of(1, 2)), EnumSet.of(Status.NEW, Status.PAID), new Object[] {1, "x"},
                new Wrapper(new TreeMap<>(Map.of(1, List.of(2)))), new Money(new BigDecimal("1.00"), "EUR"),
                Collections.emptyList(), Collections.singletonList(1), Optional.of("x"), new Marker(),
                Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(1, 2))), new int[] {1, 2});
        for (Object key : accepted) {
            assertThat(codec.serializeKey(key)).as(key.getClass().getName()).isEqualTo(codec.serialize(key));
        }
    }

    @Test
    void nullKeyIsANullPointerException() {
        assertThatThrownBy(() -> codec.serializeKey(null)).isInstanceOf(NullPointerException.class);
    }
}
