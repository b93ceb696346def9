package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.write;

import java.io.DataInput;
import java.io.IOException;

/** The read-lease round trip of CONSISTENT maps ({@code cluster/ReadLease}, ADR 0013). */
public final class LeaseMessages {
    private LeaseMessages() {}

    /** A primary asks a member of its view to confirm that it still shares view {@code viewId}: request. */
    public record LeasePing(long viewId) {
        public byte[] encode() {
            return write(MessageType.LEASE_PING, 9, out -> out.writeLong(viewId));
        }

        static LeasePing decode(DataInput in) throws IOException {
            return new LeasePing(in.readLong());
        }
    }

    /**
     * The answer to a {@link LeasePing}: whether the receiver's view is the ping's and contains its sender, with the
     * receiver's view id and the version of the table it applied (a newer one than the pinger's withholds the lease).
     */
    public record LeaseAck(boolean granted, long viewId, long tableVersion) {
        public byte[] encode() {
            return write(MessageType.LEASE_ACK, 18, out -> {
                out.writeBoolean(granted);
                out.writeLong(viewId);
                out.writeLong(tableVersion);
            });
        }

        static LeaseAck decode(DataInput in) throws IOException {
            return new LeaseAck(in.readBoolean(), in.readLong(), in.readLong());
        }
    }
}
