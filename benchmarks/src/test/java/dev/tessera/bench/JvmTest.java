package dev.tessera.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One class path per store: the peer's jars first, and none of ours of the same artifact (one version each). */
class JvmTest {
    private static final String OURS = String.join(File.pathSeparator, "/t/benchmarks-0.1.0-SNAPSHOT.jar",
            "/t/lib/jgroups-5.5.7.Final.jar", "/t/lib/caffeine-3.3.1.jar", "/t/lib/HdrHistogram-2.2.2.jar",
            "/t/lib/hazelcast-5.6.0.jar", "/t/lib/grid-core-0.1.0-SNAPSHOT.jar");

    @Test
    void infinispanGetsItsOwnJGroupsAndCaffeineAndKeepsTheHarness() {
        List<String> cp = Arrays.asList(Jvm.merge(List.of("/a/lib/infinispan-core-16.0.3.jar", "/a/lib/jgroups-5.5.1.Final.jar",
                "/a/lib/caffeine-3.2.3.jar"), OURS).split(File.pathSeparator));

        assertThat(cp).containsExactly("/a/lib/infinispan-core-16.0.3.jar", "/a/lib/jgroups-5.5.1.Final.jar",
                "/a/lib/caffeine-3.2.3.jar", "/t/benchmarks-0.1.0-SNAPSHOT.jar", "/t/lib/HdrHistogram-2.2.2.jar",
                "/t/lib/hazelcast-5.6.0.jar", "/t/lib/grid-core-0.1.0-SNAPSHOT.jar");
    }

    @Test
    void hazelcast57ReplacesHazelcast56() {
        List<String> cp = Arrays.asList(Jvm.merge(List.of("/h/lib/hazelcast-5.7.0.jar"), OURS).split(File.pathSeparator));

        assertThat(cp).filteredOn(e -> e.contains("hazelcast")).containsExactly("/h/lib/hazelcast-5.7.0.jar");
        assertThat(cp).hasSize(6);
    }

    @Test
    void artifactIsTheNameBeforeTheVersion() {
        assertThat(Jvm.artifact("jgroups-5.5.7.Final.jar")).isEqualTo("jgroups");
        assertThat(Jvm.artifact("smallrye-common-net-2.4.0.jar")).isEqualTo("smallrye-common-net");
        assertThat(Jvm.artifact("benchmarks-0.1.0-SNAPSHOT.jar")).isEqualTo("benchmarks");
    }

    @Test
    void storesWithoutAnchorShareThisClassPath() {
        assertThat(Jvm.anchorLibs("tessera")).isNull();
        assertThat(Jvm.anchorLibs("jgroups-raw")).isNull();
        assertThat(Jvm.classPathFor("hazelcast")).isEqualTo(Jvm.classPath());
    }
}
