package dev.tessera.grid.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A receiver reads a copy's table version without decoding its entries (to answer RETRY cheaply). */
class ReplicatePeekTest {

    @Test
    void peekTableVersion_readsTheVersionOfACopy_andMinusOneForOtherMessages() {
        List<ReplicaEntry> entries = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            entries.add(new ReplicaEntry(("key-" + i).getBytes(), new byte[100], 5L << 32 | i, i));
        }
        byte[] chunk = new Replicate(1L << 40 | 7, "bench", MapConfig.defaults(), 12, entries).encode();
        byte[] probe = new Replicate(42, "bench", MapConfig.defaults(), 12, new ArrayList<>(0)).encode();

        assertThat(Replicate.peekTableVersion(chunk)).isEqualTo(1L << 40 | 7);
        assertThat(Replicate.peekTableVersion(probe)).isEqualTo(42);
        assertThat(Messages.decode(probe, Replicate.class).entries()).isEmpty();
        assertThat(Replicate.peekTableVersion(new ReplicateResponse(Status.OK, 99).encode())).isEqualTo(-1);
        assertThat(Replicate.peekTableVersion(new byte[] {chunk[0], 0, 0})).isEqualTo(-1);
    }
}
