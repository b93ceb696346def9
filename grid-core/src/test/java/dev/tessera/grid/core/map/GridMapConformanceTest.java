package dev.tessera.grid.core.map;

import com.google.common.collect.testing.ConcurrentMapTestSuiteBuilder;
import com.google.common.collect.testing.TestStringMapGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import com.google.common.collect.testing.features.MapFeature;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.TestCluster;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import junit.framework.TestCase;
import junit.framework.TestSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code ConcurrentMap} contract, by Guava's conformance suite ({@link ConcurrentMapTestSuiteBuilder}), on a
 * GridMap of a 1-member and of a 3-member cluster (in-process). Guava's testers are JUnit 3 test cases; each runs
 * here as a Jupiter dynamic test ({@link TestCase#runBare()}: setUp, the test, tearDown), so no other test engine is
 * needed. Every test gets a map of its own (a new name); the members allow enough maps for that. The 3-member
 * cluster has 13 partitions (iteration cost grows with the partition count; the contract does not).
 *
 * <p>Declared features: general purpose (put, remove), iterator remove on the views, any size; no null keys, values
 * or queries (a {@code ConcurrentMap}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GridMapConformanceTest {
    private final List<TestCluster> clusters = Collections.synchronizedList(new java.util.ArrayList<>());

    @AfterAll
    void stopClusters() {
        clusters.forEach(TestCluster::close);
    }

    @TestFactory
    Stream<DynamicNode> oneMember() {
        return suite(1);
    }

    @TestFactory
    Stream<DynamicNode> threeMembers() {
        return suite(3);
    }

    private Stream<DynamicNode> suite(int members) {
        // Iterating a map reads it one partition at a time from the partition's primary, and Guava's iterator
        // testers iterate thousands of times: 13 partitions instead of 271 keep the 3-member suite within a minute.
        TestCluster cluster = TestCluster.start(members, b -> b.maxMaps(10_000).partitionCount(members == 1 ? 271 : 13));
        clusters.add(cluster);
        AtomicInteger maps = new AtomicInteger();
        TestSuite suite = ConcurrentMapTestSuiteBuilder.using(new TestStringMapGenerator() {
                    @Override
                    protected Map<String, String> create(Map.Entry<String, String>[] entries) {
                        // each map on another member than the last, so that calls go local and remote
                        int n = maps.incrementAndGet();
                        GridMap<String, String> map = cluster.member(n % members).map("conformance-" + n);
                        for (Map.Entry<String, String> e : entries) {
                            map.put(e.getKey(), e.getValue());
                        }
                        return map;
                    }
                })
                .named("GridMap on " + members + (members == 1 ? " member" : " members"))
                .withFeatures(MapFeature.GENERAL_PURPOSE, CollectionFeature.SUPPORTS_ITERATOR_REMOVE, CollectionSize.ANY)
                .createTestSuite();
        return nodes(suite);
    }

    private static Stream<DynamicNode> nodes(TestSuite suite) {
        return Collections.list(suite.tests()).stream().map(t -> {
            if (t instanceof TestSuite inner) {
                return DynamicContainer.dynamicContainer(inner.getName(), nodes(inner));
            }
            TestCase test = (TestCase) t;
            return DynamicTest.dynamicTest(test.getName(), test::runBare);
        });
    }
}
