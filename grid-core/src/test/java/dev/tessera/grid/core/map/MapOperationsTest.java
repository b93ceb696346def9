package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.GridInvariantsExtension;
import dev.tessera.grid.testkit.TestCluster;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every map operation, called from every member, on clusters of 1, 3 and 5 members. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(GridInvariantsExtension.class) // the grid's invariants after every test, on the class's shared cluster(s)
class MapOperationsTest {
    private final Map<Integer, TestCluster> clusters = new HashMap<>();

    @BeforeAll
    void startClusters() {
        for (int n : new int[] {1, 3, 5}) {
            clusters.put(n, TestCluster.start(n));
        }
    }

    @AfterAll
    void stopClusters() {
        clusters.values().forEach(TestCluster::close);
    }

    private GridMap<String, String> map(int size, int member, String name) {
        return clusters.get(size).member(member).map(name);
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void putGetRemove_fromEveryMember_seeTheSameData(int n) {
        String name = "basic-" + n;
        for (int m = 0; m < n; m++) {
            GridMap<String, String> map = map(n, m, name);
            for (int i = 0; i < 50; i++) {
                String key = "m" + m + "-k" + i;
                assertThat(map.put(key, "v1")).isNull();
                assertThat(map.put(key, "v2")).isEqualTo("v1");
            }
        }
        for (int reader = 0; reader < n; reader++) {
            GridMap<String, String> map = map(n, reader, name);
            for (int m = 0; m < n; m++) {
                for (int i = 0; i < 50; i++) {
                    assertThat(map.get("m" + m + "-k" + i)).as("key m%d-k%d read on member %d", m, i, reader).isEqualTo("v2");
                }
            }
            assertThat(map.size()).isEqualTo(50 * n);
        }
        GridMap<String, String> first = map(n, 0, name);
        assertThat(first.remove("m0-k0")).isEqualTo("v2");
        assertThat(first.remove("m0-k0")).isNull();
        first.delete("m0-k1");
        assertThat(map(n, n - 1, name).get("m0-k1")).isNull();
        assertThat(map(n, n - 1, name).containsKey("m0-k1")).isFalse();
        assertThat(map(n, n - 1, name).containsKey("m0-k2")).isTrue();
        assertThat(first.size()).isEqualTo(50 * n - 2);
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void conditionalOperations_followConcurrentMapContract(int n) {
        GridMap<String, String> a = map(n, 0, "cond-" + n);
        GridMap<String, String> b = map(n, n - 1, "cond-" + n);
        assertThat(a.putIfAbsent("k", "one")).isNull();
        assertThat(b.putIfAbsent("k", "two")).isEqualTo("one");
        assertThat(b.replace("k", "two", "three")).isFalse();
        assertThat(b.replace("k", "one", "three")).isTrue();
        assertThat(a.get("k")).isEqualTo("three");
        assertThat(a.replace("absent", "x")).isNull();
        assertThat(a.containsKey("absent")).isFalse();
        assertThat(a.replace("k", "four")).isEqualTo("three");
        assertThat(b.remove("k", "three")).isFalse();
        assertThat(b.remove("k", "four")).isTrue();
        assertThat(a.get("k")).isNull();
        assertThat(a.remove("k", null)).isFalse();
        b.set("s", "set");
        assertThat(a.get("s")).isEqualTo("set");
        assertThat(a.getOrDefault("nope", "default")).isEqualTo("default");
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void computeFamily_appliesFunctionsAtomically(int n) {
        GridMap<String, Integer> a = clusters.get(n).member(0).map("compute-" + n);
        GridMap<String, Integer> b = clusters.get(n).member(n - 1).map("compute-" + n);
        assertThat(a.compute("c", (k, v) -> v == null ? 1 : v + 1)).isEqualTo(1);
        assertThat(b.compute("c", (k, v) -> v == null ? 1 : v + 1)).isEqualTo(2);
        assertThat(b.computeIfPresent("c", (k, v) -> v * 10)).isEqualTo(20);
        assertThat(b.computeIfPresent("absent", (k, v) -> 1)).isNull();
        assertThat(a.computeIfAbsent("c", k -> 99)).isEqualTo(20);
        assertThat(a.computeIfAbsent("new", k -> 7)).isEqualTo(7);
        assertThat(b.get("new")).isEqualTo(7);
        assertThat(a.merge("m", 5, Integer::sum)).isEqualTo(5);
        assertThat(b.merge("m", 5, Integer::sum)).isEqualTo(10);
        assertThat(b.merge("m", 5, (x, y) -> null)).isNull();
        assertThat(a.containsKey("m")).isFalse();
        assertThat(a.compute("c", (k, v) -> null)).isNull();
        assertThat(b.get("c")).isNull();
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void bulkOperationsAndViews_coverTheWholeCluster(int n) {
        GridMap<String, String> a = map(n, 0, "bulk-" + n);
        GridMap<String, String> b = map(n, n - 1, "bulk-" + n);
        Map<String, String> data = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            data.put("key-" + i, "value-" + i);
        }
        a.putAll(data);
        assertThat(b.size()).isEqualTo(500);
        assertThat(b.isEmpty()).isFalse();
        Set<String> some = Set.of("key-1", "key-2", "key-499", "missing");
        assertThat(b.getAll(some)).containsOnly(Map.entry("key-1", "value-1"), Map.entry("key-2", "value-2"),
                Map.entry("key-499", "value-499"));
        assertThat(new HashSet<>(b.keySet())).isEqualTo(data.keySet());
        assertThat(b.values()).hasSize(500).contains("value-7");
        assertThat(new HashMap<>(b)).isEqualTo(data);
        assertThat(b.containsValue("value-42")).isTrue();
        assertThat(b.entrySet()).contains(Map.entry("key-3", "value-3"));

        var it = b.keySet().iterator();
        String removed = it.next();
        it.remove();
        assertThat(a.containsKey(removed)).isFalse();
        for (Map.Entry<String, String> e : a.entrySet()) {
            if (e.getKey().equals("key-10")) {
                e.setValue("changed");
            }
        }
        assertThat(b.get("key-10")).isEqualTo("changed");

        b.clear();
        assertThat(a.size()).isZero();
        assertThat(a.isEmpty()).isTrue();
        assertThat(a.get("key-1")).isNull();
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void asyncTwins_completeWithTheSameResults(int n) throws Exception {
        GridMap<String, String> a = map(n, 0, "async-" + n);
        GridMap<String, String> b = map(n, n - 1, "async-" + n);
        assertThat(a.putAsync("k", "v1").get(10, TimeUnit.SECONDS)).isNull();
        assertThat(b.getAsync("k").get(10, TimeUnit.SECONDS)).isEqualTo("v1");
        a.setAsync("k", "v2").get(10, TimeUnit.SECONDS);
        assertThat(b.putIfAbsentAsync("k", "x").get(10, TimeUnit.SECONDS)).isEqualTo("v2");
        assertThat(b.replaceAsync("k", "v3").get(10, TimeUnit.SECONDS)).isEqualTo("v2");
        assertThat(b.replaceAsync("k", "v3", "v4").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.containsKeyAsync("k").get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.removeAsync("k", "nope").get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(a.removeAsync("k").get(10, TimeUnit.SECONDS)).isEqualTo("v4");
        b.putAllAsync(Map.of("x", "1", "y", "2")).get(10, TimeUnit.SECONDS);
        assertThat(a.getAllAsync(Set.of("x", "y", "z")).get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("x", "1", "y", "2"));
        a.deleteAsync("x").get(10, TimeUnit.SECONDS);
        assertThat(b.getAsync("x").get(10, TimeUnit.SECONDS)).isNull();
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void ownerOf_isTheMemberHoldingThePrimary(int n) {
        GridMap<String, String> a = map(n, 0, "owner-" + n);
        for (int i = 0; i < 20; i++) {
            String key = "k" + i;
            int p = a.partitionOf(key);
            TesseraGrid owner = clusters.get(n).members().stream()
                    .filter(g -> g.topology().self().equals(g.topology().table().primary(p))).findFirst().orElseThrow();
            assertThat(a.ownerOf(key)).isEqualTo(owner.localMember());
            assertThat(map(n, n - 1, "owner-" + n).ownerOf(key)).isEqualTo(owner.localMember());
        }
    }

    @ParameterizedTest(name = "{0} members")
    @ValueSource(ints = {1, 3, 5})
    void nullKeysAndValues_areRejected(int n) {
        GridMap<String, String> a = map(n, 0, "nulls-" + n);
        assertThatThrownBy(() -> a.put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.get(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.putIfAbsent("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.replace("k", null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.merge("k", null, (x, y) -> x)).isInstanceOf(NullPointerException.class);
        assertThat(a.size()).isZero();
    }
}
