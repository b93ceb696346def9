package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.testkit.WriteLoad;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With one synchronous backup, writers on every member keep writing while the cluster changes;
 * afterwards every acknowledged write is readable with its last acknowledged value.
 */
class NoLostWritesTest {
    private static final Logger log = LoggerFactory.getLogger(NoLostWritesTest.class);
    private static final int KEYS_PER_WRITER = 200;

    @Test
    void memberCrash_underLoad_losesNoAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); WriteLoad load = new WriteLoad("crash", KEYS_PER_WRITER)) {
            cluster.members().forEach(g -> load.startWriters(g, 2));
            awaitProgress(load, 2_000);
            cluster.crash(2);
            cluster.awaitStable();
            awaitProgress(load, 1_000);
            load.stop();
            assertNoLoss("crash", load.verify(cluster.member(0)));
            assertNoLoss("crash (read on other member)", load.verify(cluster.member(1)));
        }
    }

    @Test
    void crash_rebuildsRedundancy_soASecondCrashLosesNothing() {
        try (TestCluster cluster = TestCluster.start(4)) {
            GridMap<String, String> map = cluster.member(0).map("twice");
            for (int i = 0; i < 3_000; i++) {
                map.set("k" + i, "v" + i);
            }
            assertThat(cluster.copyCounts("twice")).as("primary and backup copies before").containsExactly(3_000L, 3_000L);
            cluster.crash(3);
            cluster.awaitStable();
            assertThat(cluster.copyCounts("twice")).as("primary and backup copies after the first crash").containsExactly(3_000L, 3_000L);
            cluster.crash(2);
            cluster.awaitStable();
            assertThat(cluster.copyCounts("twice")).as("primary and backup copies after the second crash").containsExactly(3_000L, 3_000L);
            GridMap<String, String> reader = cluster.member(1).map("twice");
            long lost = java.util.stream.IntStream.range(0, 3_000).filter(i -> !("v" + i).equals(reader.get("k" + i))).count();
            assertThat(lost).isZero();
        }
    }

    @Test
    void memberJoin_underLoad_losesNoAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(2); WriteLoad load = new WriteLoad("join", KEYS_PER_WRITER)) {
            cluster.members().forEach(g -> load.startWriters(g, 2));
            awaitProgress(load, 2_000);
            cluster.addMember();
            cluster.awaitStable();
            awaitProgress(load, 1_000);
            load.stop();
            assertNoLoss("join", load.verify(cluster.member(2)));
        }
    }

    @Test
    void gracefulLeave_underLoad_losesNoAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); WriteLoad load = new WriteLoad("leave", KEYS_PER_WRITER)) {
            cluster.members().forEach(g -> load.startWriters(g, 2));
            awaitProgress(load, 2_000);
            cluster.leave(1);
            cluster.awaitStable();
            awaitProgress(load, 1_000);
            load.stop();
            assertNoLoss("leave", load.verify(cluster.member(0)));
        }
    }

    @Test
    void coordinatorCrash_underLoad_losesNoAcknowledgedWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); WriteLoad load = new WriteLoad("coordinator", KEYS_PER_WRITER)) {
            cluster.members().forEach(g -> load.startWriters(g, 2));
            awaitProgress(load, 2_000);
            cluster.crash(0); // the oldest member is the coordinator
            cluster.awaitStable();
            awaitProgress(load, 1_000);
            load.stop();
            assertNoLoss("coordinator crash", load.verify(cluster.member(0)));
        }
    }

    @Test
    void rollingRestart_ofEveryMember_underLoad_losesNothing() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); WriteLoad load = new WriteLoad("rolling", KEYS_PER_WRITER)) {
            load.startWriters(cluster.member(0), 2);
            load.startWriters(cluster.member(1), 2);
            awaitProgress(load, 1_000);
            for (int round = 0; round < 3; round++) {
                cluster.leave(0); // the oldest goes first, as a rolling restart would
                load.startWriters(cluster.addMember(), 2);
                cluster.awaitStable();
                awaitProgress(load, 500);
            }
            load.stop();
            WriteLoad.Report report = load.verify(cluster.member(2));
            for (String key : load.lostKeys()) {
                for (TesseraGrid g : cluster.members()) {
                    log.info("lost {}: {}", key, g.describeLocal("rolling", key));
                }
            }
            assertNoLoss("rolling restart", report);
        }
    }

    private static void awaitProgress(WriteLoad load, long moreAcks) {
        long target = load.acknowledged() + moreAcks;
        await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged() >= target);
    }

    private static void assertNoLoss(String scenario, WriteLoad.Report r) {
        log.info("{}: {} keys, {} writes acknowledged, {} failed, {} acknowledged values lost, {} invented",
                scenario, r.keys(), r.acknowledged(), r.failed(), r.lost(), r.invented());
        assertThat(r.acknowledged()).isPositive();
        assertThat(r.lost()).as("acknowledged writes lost (%s)", r.examples()).isZero();
        assertThat(r.invented()).as("values never written").isZero();
        assertThat(r.failed()).as("writes that failed on members that stayed up: users see latency, not errors").isZero();
    }
}
