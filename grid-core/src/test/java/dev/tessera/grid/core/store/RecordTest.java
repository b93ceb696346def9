package dev.tessera.grid.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A record packs key and value into one array; every accessor must give back exactly what went in. */
class RecordTest {

    /** Key lengths around the varint header's byte boundaries (63/64 and 8191/8192 bytes). */
    @ParameterizedTest
    @ValueSource(ints = {1, 11, 63, 64, 65, 8191, 8192, 70_000})
    void keyAndValue_roundTrip_atEveryHeaderLength(int keyLength) throws IOException {
        byte[] key = filled(keyLength, 3);
        byte[] value = filled(101, 5);
        Record r = new Record(key, value, 7, 9);

        assertThat(r.key()).isEqualTo(key);
        assertThat(r.keyLength()).isEqualTo(keyLength);
        assertThat(r.hasKey(key)).isTrue();
        assertThat(r.hasKey(Arrays.copyOf(key, keyLength + 1))).isFalse();
        byte[] other = key.clone();
        other[keyLength - 1]++;
        assertThat(r.hasKey(other)).isFalse();
        assertThat(r.keyHash()).isEqualTo(Bytes.wrap(key).hashCode());
        assertThat(r.isTombstone()).isFalse();
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.valueLength()).isEqualTo(101);
        assertThat(Arrays.copyOfRange(r.valueArray(), r.valueOffset(), r.valueOffset() + r.valueLength())).isEqualTo(value);
        assertThat(r.valueEquals(value)).isTrue();
        assertThat(r.valueEquals(filled(101, 6))).isFalse();
        assertThat(r.valueEquals(filled(100, 5))).isFalse();
        assertThat(r.version()).isEqualTo(7);
        assertThat(r.hlc()).isEqualTo(9);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.writeValue(new DataOutputStream(bytes));
        ByteBuffer written = ByteBuffer.wrap(bytes.toByteArray());
        assertThat(written.getInt()).isEqualTo(101);
        byte[] rest = new byte[written.remaining()];
        written.get(rest);
        assertThat(rest).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64, 8192})
    void tombstone_keepsItsKeyAndHasNoValue(int keyLength) throws IOException {
        byte[] key = filled(keyLength, 1);
        Record r = new Record(key, null, 3, 4);

        assertThat(r.isTombstone()).isTrue();
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.hasKey(key)).isTrue();
        assertThat(r.value()).isNull();
        assertThat(r.valueLength()).isZero();
        assertThat(r.valueEquals(new byte[0])).isFalse();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        r.writeValue(new DataOutputStream(bytes));
        assertThat(ByteBuffer.wrap(bytes.toByteArray()).getInt()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void emptyValue_isLiveNotATombstone(boolean tracked) {
        Record r = Record.of(Bytes.wrap(new byte[] {1, 2}), new byte[0], 1, 1, 0, tracked);
        assertThat(r.isTombstone()).isFalse();
        assertThat(r.value()).isEmpty();
        assertThat(r instanceof TrackedRecord).isEqualTo(tracked);
    }

    private static byte[] filled(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
