package dev.tessera.grid.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.core.serialization.TestTypes.CustomerKey;
import dev.tessera.grid.core.serialization.TestTypes.Line;
import dev.tessera.grid.core.serialization.TestTypes.Money;
import dev.tessera.grid.core.serialization.TestTypes.Order;
import dev.tessera.grid.core.serialization.TestTypes.Status;
import dev.tessera.grid.core.serialization.TestTypes.Wrapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class KryoCodecPropertiesTest {

    final KryoCodec codec = new KryoCodec(List.of(Order.class, Line.class, Money.class, Status.class,
            CustomerKey.class, Wrapper.class));

    /** Any sequence of chars: unpaired surrogates, pairs, Latin-1, CJK, control chars. */
    @Provide
    Arbitrary<String> anyString() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(64),
                Arbitraries.strings().withCharRange('\uD7F0', '\uE010').ofMaxLength(16), // around the surrogates
                Arbitraries.strings().withCharRange('\u0000', '\u00FF').ofMaxLength(64),
                Arbitraries.strings().ascii().ofMaxLength(200));
    }

    @Property(tries = 2000)
    void stringsRoundTrip(@ForAll("anyString") String s) {
        byte[] bytes = codec.serialize(s);
        assertThat(codec.deserialize(bytes)).isEqualTo(s);
        assertThat(codec.serializeKey(s)).isEqualTo(bytes);
        boolean latin1 = s.chars().allMatch(c -> c <= 0xFF);
        assertThat(bytes[0]).isEqualTo(latin1 ? WireFormat.TAG_STRING_LATIN1 : WireFormat.TAG_STRING_UTF8);
    }

    @Property(tries = 1000)
    void stringsWithoutUnpairedSurrogatesAreStandardUtf8(@ForAll("anyString") String s) {
        boolean wellFormed = StandardCharsets.UTF_8.newEncoder().canEncode(s);
        boolean latin1 = s.chars().allMatch(c -> c <= 0xFF);
        if (wellFormed && !latin1) {
            byte[] bytes = codec.serialize(s);
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            assertThat(bytes).hasSize(utf8.length + 1);
            assertThat(java.util.Arrays.copyOfRange(bytes, 1, bytes.length)).isEqualTo(utf8);
        }
    }

    @Property(tries = 1000)
    void distinctStringsHaveDistinctBytes(@ForAll("anyString") String a, @ForAll("anyString") String b) {
        if (!a.equals(b)) {
            assertThat(codec.serialize(a)).isNotEqualTo(codec.serialize(b));
        }
    }

    @Property(tries = 1000)
    void stringsInsideRecordsRoundTrip(@ForAll("anyString") String s) {
        CustomerKey key = new CustomerKey(s, s.length());
        assertThat(codec.deserialize(codec.serializeKey(key))).isEqualTo(key);
    }

    @Property(tries = 2000)
    void longsRoundTrip(@ForAll long value) {
        assertThat(codec.deserialize(codec.serialize(value))).isEqualTo(value);
        assertThat(codec.deserialize(codec.serialize(new Wrapper(value)))).isEqualTo(new Wrapper(value));
    }

    @Property(tries = 1000)
    void intsAndDoublesRoundTrip(@ForAll int i, @ForAll double d) {
        assertThat(codec.deserialize(codec.serialize(i))).isEqualTo(i);
        assertThat(codec.deserialize(codec.serialize(d))).isEqualTo(d);
    }

    @Property(tries = 1000)
    void byteArraysRoundTrip(@ForAll @Size(max = 512) byte[] bytes) {
        assertThat((byte[]) codec.deserialize(codec.serialize(bytes))).isEqualTo(bytes);
        Wrapper wrapped = (Wrapper) codec.deserialize(codec.serialize(new Wrapper(bytes)));
        assertThat((byte[]) wrapped.payload()).isEqualTo(bytes);
    }

    @Property(tries = 500)
    void listsOfStringsRoundTrip(@ForAll @Size(max = 20) List<@net.jqwik.api.constraints.StringLength(max = 20) String> list) {
        ArrayList<String> value = new ArrayList<>(list);
        assertThat(codec.deserialize(codec.serializeKey(value))).isEqualTo(value);
    }

    /**
     * Arbitrary bytes either decode or raise GridSerializationException; nothing else escapes. What a
     * fast path accepts re-encodes to the same bytes (one value, one byte form); Kryo's own
     * decoding is more lenient (it accepts, for example, non-minimal varints).
     */
    @Property(tries = 5000)
    void arbitraryBytesNeverEscapeAsAnotherException(@ForAll @Size(min = 1, max = 64) byte[] bytes,
            @ForAll boolean asKryo) {
        if (asKryo) {
            bytes[0] = WireFormat.TAG_KRYO;
        }
        try {
            Object value = codec.deserialize(bytes);
            if (bytes[0] != WireFormat.TAG_KRYO) {
                assertThat(codec.serialize(value)).isEqualTo(bytes);
            }
        } catch (GridSerializationException expected) {
            // rejected: fine
        }
    }
}
