package dev.tessera.grid.core.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** GridBuilder.maxMaps: a member holds at most that many maps, whoever asks it to create one. */
class MapLimitTest {

    @Test
    void beyondTheLimit_mapIsRefusedWithAMessageNamingTheLimit_andDestroyFreesASlot() {
        try (TestCluster cluster = TestCluster.start(1, b -> b.maxMaps(5))) {
            TesseraGrid m = cluster.member(0);
            for (int i = 0; i < 5; i++) {
                m.map("m" + i).put("k", "v");
            }
            assertThatThrownBy(() -> m.map("m5"))
                    .isInstanceOf(GridLimitException.class)
                    .hasMessageContaining("limit (GridBuilder.maxMaps) is 5")
                    .hasMessageContaining("GridMap.destroy()");
            assertThat(m.storage().size()).isEqualTo(5);
            m.map("m0").destroy();
            m.map("m5").put("k", "v"); // the destroyed map's slot
            assertThat(m.<String, String>map("m5").get("k")).isEqualTo("v");
        }
    }

    @Test
    void membersWithASmallerLimit_refuseOperationsThatWouldCreateMoreMaps_andReadsCreateNone() {
        AtomicInteger started = new AtomicInteger();
        // member 0 may hold 50 maps, members 1 and 2 only 3: member 0's writes to maps 4.. must be refused by them
        try (TestCluster cluster = TestCluster.start(3, b -> b.maxMaps(started.getAndIncrement() == 0 ? 50 : 3))) {
            TesseraGrid caller = cluster.member(0);
            List<GridMap<String, String>> maps = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                maps.add(caller.map("wide-" + i));
            }
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 50; k++) {
                    maps.get(i).put("k" + k, "v"); // three maps fit everywhere
                }
            }
            GridMap<String, String> fourth = maps.get(3);
            int refused = 0;
            for (int k = 0; k < 50; k++) {
                try {
                    fourth.put("k" + k, "v");
                } catch (GridLimitException e) {
                    assertThat(e).hasMessageContaining("maxMaps").hasMessageContaining("is 3");
                    refused++;
                }
            }
            // the primaries on members 1 and 2 refuse; copies of member 0's own primaries are taken (up to twice the limit)
            assertThat(refused).as("writes to a fourth map whose primary holds 3 maps").isBetween(1, 49);
            for (int i = 4; i < 10; i++) {
                for (int k = 0; k < 100; k++) {
                    assertThat(maps.get(i).get("k" + k)).isNull(); // reads of maps nobody wrote: answered, nothing created
                }
            }
            for (int member = 1; member <= 2; member++) {
                TesseraGrid m = cluster.member(member);
                assertThat(m.storage().size()).as("maps on member %d (copies count up to twice its limit)", member)
                        .isLessThanOrEqualTo(4);
                for (int i = 4; i < 10; i++) {
                    assertThat(m.storage().get("wide-" + i)).as("map only read, on member %d", member).isNull();
                }
            }
        }
    }
}
