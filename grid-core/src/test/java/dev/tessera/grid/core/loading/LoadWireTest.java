package dev.tessera.grid.core.loading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.core.wire.MalformedMessageException;
import dev.tessera.grid.core.wire.OpCode;
import org.junit.jupiter.api.Test;

/** The load operations' wire ids and the stamp a LOAD_COMPLETE carries. */
class LoadWireTest {
    @Test
    void opCodeIdsArePinned() {
        assertThat(OpCode.of((byte) 14)).isEqualTo(OpCode.LOAD_OR_LEASE);
        assertThat(OpCode.of((byte) 15)).isEqualTo(OpCode.LOAD_COMPLETE);
        assertThat(OpCode.of((byte) 16)).isEqualTo(OpCode.LOAD_FAILED);
        assertThat(OpCode.LOAD_COMPLETE.mutating).isTrue();
        assertThat(OpCode.LOAD_OR_LEASE.mutating).isFalse();
        assertThat(OpCode.LOAD_FAILED.mutating).isFalse();
    }

    @Test
    void stampRoundTrips_andGivesStaleUntilOnlyForExpiringValues() {
        LoadStamp s = LoadStamp.decode(new LoadStamp(30_000, 120).encode());
        assertThat(s).isEqualTo(new LoadStamp(30_000, 120));
        assertThat(s.staleUntil(1_000)).isEqualTo(31_000);
        assertThat(s.staleUntil(0)).as("a value that never expires is never stale").isZero();
        assertThat(new LoadStamp(0, 120).staleUntil(1_000)).isZero();
    }

    @Test
    void malformedStampIsRejected() {
        assertThatThrownBy(() -> LoadStamp.decode(new byte[3])).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> LoadStamp.decode(null)).isInstanceOf(MalformedMessageException.class);
        assertThat(LoadStamp.decode(new LoadStamp(-5, -1).encode())).as("negative fields are clamped")
                .isEqualTo(new LoadStamp(0, 0));
    }
}
