package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSerializationException;
import dev.tessera.grid.testkit.TestCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Map contract allows a lookup with a key that cannot be in the map to answer {@code null} or {@code false}
 * (or throw {@link ClassCastException}), not another exception: a key of a type the grid does not register can never
 * have been written, so every lookup answers as for an absent key, on any member. Writes with it keep failing with the
 * registration hint. (Found by Guava's ConcurrentMap conformance suite.)
 */
class UnstorableKeyLookupTest {
    /** Not registered with the grid. */
    record Unregistered(String id) {
    }

    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3);
        GridMap<Object, Object> map = cluster.member(0).map("contract");
        for (int i = 0; i < 50; i++) {
            map.put("k" + i, "v" + i);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void lookupsWithAKeyOfAnUnregisteredTypeAnswerAsForAnAbsentKey(int member) {
        GridMap<Object, Object> map = cluster.member(member).map("contract");
        Unregistered key = new Unregistered("k1");

        assertThat(map.get(key)).isNull();
        assertThat(map.containsKey(key)).isFalse();
        assertThat(map.getOrDefault(key, "fallback")).isEqualTo("fallback");
        assertThat(map.remove(key)).isNull();
        assertThat(map.remove(key, "v1")).isFalse();
        assertThat(map.remove("k1", new Unregistered("v1"))).isFalse(); // an unregistered value was never stored either
        assertThat(map.keySet().contains(key)).isFalse();
        assertThat(map.keySet().containsAll(List.of("k1", key))).isFalse();
        assertThat(map.entrySet().contains(Map.entry(key, "v1"))).isFalse();
        assertThat(map.getAsync(key).join()).isNull();
        assertThat(map.size()).isEqualTo(50);
        assertThat(map.get("k1")).isEqualTo("v1");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void writesWithSuchAKeyStillFailWithTheRegistrationHint(int member) {
        GridMap<Object, Object> map = cluster.member(member).map("contract");
        assertThatThrownBy(() -> map.put(new Unregistered("x"), "v"))
                .isInstanceOf(GridSerializationException.class)
                .hasMessageContaining(Unregistered.class.getName())
                .hasMessageContaining("registerType");
        assertThat(map.size()).isEqualTo(50);
    }
}
