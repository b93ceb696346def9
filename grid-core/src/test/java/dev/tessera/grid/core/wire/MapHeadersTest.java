package dev.tessera.grid.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cached map headers decode exactly what was encoded, whatever mix of maps and configurations travels. */
class MapHeadersTest {

    @Test
    void aRepeatedHeaderDecodesToTheSameConfigInstance_andDifferentOnesToTheirOwn() {
        List<MapConfig> configs = List.of(
                MapConfig.defaults(),
                MapConfig.builder().backups(2).nearCache(NearCacheConfig.of(10)).build(),
                MapConfig.builder().timeToLive(Duration.ofSeconds(5)).maxIdle(Duration.ofSeconds(2))
                        .eviction(EvictionConfig.maxBytes(1 << 20)).build(),
                MapConfig.builder().mapStore(MapStoreConfig.writeBehind("db", Duration.ofMillis(250))).build());
        List<ClientOp> decoded = new ArrayList<>();
        // more distinct headers than cache slots, interleaved, so entries are evicted and re-parsed
        for (int round = 0; round < 3; round++) {
            for (int m = 0; m < 12; m++) {
                MapConfig config = configs.get(m % configs.size());
                ClientOp op = new ClientOp(7, "map-" + m, config, m, OpCode.GET, new byte[] {1}, null, null, 0, 99, null);
                ClientOp back = Messages.decode(op.encode(), ClientOp.class);
                assertThat(back.map()).isEqualTo("map-" + m);
                assertThat(back.config()).isEqualTo(config);
                assertThat(back.partition()).isEqualTo(m);
                decoded.add(back);
            }
        }
        ClientOp op = new ClientOp(7, "hot", configs.get(2), 0, OpCode.GET, new byte[] {1}, null, null, 0, 99, null);
        MapConfig first = Messages.decode(op.encode(), ClientOp.class).config();
        assertThat(Messages.decode(op.encode(), ClientOp.class).config()).isSameAs(first);
        // an equal configuration built separately encodes to the same bytes, hence the same decoded instance
        MapConfig equal = MapConfig.builder().timeToLive(Duration.ofSeconds(5)).maxIdle(Duration.ofSeconds(2))
                .eviction(EvictionConfig.maxBytes(1 << 20)).build();
        ClientOp twin = new ClientOp(8, "hot", equal, 1, OpCode.GET, new byte[] {2}, null, null, 0, 99, null);
        assertThat(Messages.decode(twin.encode(), ClientOp.class).config()).isSameAs(first);
    }
}
