package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.testkit.TestCluster;
import org.junit.jupiter.api.Test;

/**
 * A map travels as a 9-byte digest once its receiver has learned the full header; a receiver that has not (it forgot,
 * or is a new process) answers UNKNOWN_CONFIG, applies nothing, and gets the operation or copy again in full.
 */
class MapHeaderResendTest {
    private static final MapConfig CONFIG = MapConfig.builder().backups(1).readFromBackup(true).build();

    private static long digest(String map) {
        return new ClientOp(0, map, CONFIG, 0, OpCode.GET, new byte[1], null, null, 0, 0, null).mapDigest();
    }

    private static String keyOwnedBy(GridMap<String, String> map, TesseraGrid owner) {
        for (int i = 0; ; i++) {
            if (map.ownerOf("k" + i).equals(owner.localMember())) {
                return "k" + i;
            }
        }
    }

    @Test
    void aPrimaryThatForgotTheMap_getsTheClientOpAgainInFull_once() {
        try (TestCluster cluster = TestCluster.start(2)) {
            TesseraGrid caller = cluster.member(0);
            TesseraGrid primary = cluster.member(1);
            GridMap<String, String> map = caller.map("orders", CONFIG);
            primary.map("orders", CONFIG);
            String key = keyOwnedBy(map, primary);
            map.put(key, "v1");
            assertThat(primary.learnedMapHeaders().knows(digest("orders"))).as("learned from the first, full, op").isTrue();
            map.put(key, "v2");
            assertThat(caller.fullHeaderResends()).isZero();

            primary.learnedMapHeaders().clear(); // as a restarted process would
            assertThat(map.put(key, "v3")).as("the short op was refused unapplied, the full one applied once").isEqualTo("v2");
            assertThat(caller.fullHeaderResends()).isEqualTo(1);
            assertThat(primary.learnedMapHeaders().knows(digest("orders"))).isTrue();
            assertThat(map.put(key, "v4")).isEqualTo("v3");
            assertThat(caller.fullHeaderResends()).as("learned again: short headers from here on").isEqualTo(1);
            assertThat(primary.<String, String>map("orders", CONFIG).get(key)).isEqualTo("v4");
        }
    }

    @Test
    void aBackupThatForgotTheMap_getsTheCopyAgainInFull_andHoldsTheWrite() {
        try (TestCluster cluster = TestCluster.start(2)) {
            TesseraGrid primary = cluster.member(0);
            TesseraGrid backup = cluster.member(1);
            GridMap<String, String> map = primary.map("orders", CONFIG);
            GridMap<String, String> atBackup = backup.map("orders", CONFIG);
            String key = keyOwnedBy(map, primary);
            map.put(key, "v1");
            assertThat(backup.learnedMapHeaders().knows(digest("orders"))).as("learned from the first, full, copy").isTrue();

            backup.learnedMapHeaders().clear();
            map.put(key, "v2");
            assertThat(backup.learnedMapHeaders().knows(digest("orders"))).as("learned again from the resent copy").isTrue();
            assertThat(atBackup.get(key)).as("read from the backup's own copy").isEqualTo("v2");
        }
    }

    @Test
    void aFreshMemberInTheSameRole_isSentFullHeaders_withoutARefusal() {
        try (TestCluster cluster = TestCluster.start(2)) {
            TesseraGrid caller = cluster.member(0);
            GridMap<String, String> map = caller.map("orders", CONFIG);
            cluster.member(1).map("orders", CONFIG);
            for (int i = 0; i < 50; i++) {
                map.put("k" + i, "v" + i);
            }
            cluster.crash(1);
            TesseraGrid fresh = cluster.addMember(); // a new process: a new member id, an empty registry
            fresh.map("orders", CONFIG);
            cluster.awaitStable();
            String key = keyOwnedBy(map, fresh);
            map.put(key, "again");
            assertThat(fresh.<String, String>map("orders", CONFIG).get(key)).isEqualTo("again");
            assertThat(caller.fullHeaderResends()).as("nothing acknowledged by the new id: full headers, no UNKNOWN_CONFIG")
                    .isZero();
            assertThat(fresh.learnedMapHeaders().knows(digest("orders"))).isTrue();
        }
    }
}
