package dev.tessera.grid.core.wire;

import static dev.tessera.grid.core.wire.FieldCodecs.readAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.readAddresses;
import static dev.tessera.grid.core.wire.FieldCodecs.write;
import static dev.tessera.grid.core.wire.FieldCodecs.writeAddress;
import static dev.tessera.grid.core.wire.FieldCodecs.writeAddresses;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import java.io.DataInput;
import java.io.IOException;
import java.util.List;
import dev.tessera.grid.membership.MemberId;

/**
 * The topology protocol: the coordinator publishes partition tables and collects them after a merge,
 * primaries report finished transfers, leaving members ask to be drained, and the losing side of a
 * merge pushes its entries to the winners' primaries.
 */
public final class TopologyMessages {
    private TopologyMessages() {}

    /**
     * A partition table published by the coordinator, or returned to a coordinator that asked; in
     * the latter case with the sender's side: the members of its last view before any merge.
     */
    public record TableMessage(MessageType type, PartitionTable table, List<MemberId> side) {
        public TableMessage(MessageType type, PartitionTable table) {
            this(type, table, List.of());
        }

        public byte[] encode() {
            return write(type, 64 + table.partitionCount() * 8, out -> {
                table.writeTo(out);
                writeAddresses(out, side);
            });
        }

        static TableMessage decodeUpdate(DataInput in) throws IOException {
            return decode(MessageType.TABLE_UPDATE, in);
        }

        static TableMessage decodeResponse(DataInput in) throws IOException {
            return decode(MessageType.TABLE_RESPONSE, in);
        }

        private static TableMessage decode(MessageType type, DataInput in) throws IOException {
            PartitionTable t = PartitionTable.readFrom(in);
            return new TableMessage(type, t, readAddresses(in, type));
        }
    }

    /** A new coordinator asks a member for the table it holds. */
    public record TableQuery() {
        public byte[] encode() {
            return new byte[] {MessageType.TABLE_QUERY.id};
        }

        static TableQuery decode(DataInput in) {
            return new TableQuery();
        }
    }

    /**
     * The primary of {@code partition} copied everything to the members of {@code target}, for the target of
     * epoch {@code targetEpoch} ({@code PartitionTable#targetEpoch}): only that epoch's target may be committed.
     */
    public record TransferDone(long tableVersion, int partition, List<MemberId> target, long targetEpoch) {
        public byte[] encode() {
            return write(MessageType.TRANSFER_DONE, 72, out -> {
                out.writeLong(tableVersion);
                out.writeInt(partition);
                writeAddresses(out, target);
                out.writeLong(targetEpoch);
            });
        }

        static TransferDone decode(DataInput in) throws IOException {
            long tv = in.readLong();
            int p = in.readInt();
            List<MemberId> target = readAddresses(in, MessageType.TRANSFER_DONE);
            return new TransferDone(tv, p, target, in.readLong());
        }
    }

    /** A member asks the coordinator to move its partitions away before it leaves. */
    public record LeaveRequest(MemberId member) {
        public byte[] encode() {
            return write(MessageType.LEAVE_REQUEST, 40, out -> writeAddress(out, member));
        }

        static LeaveRequest decode(DataInput in) throws IOException {
            return new LeaveRequest(readAddress(in, "address", MessageType.LEAVE_REQUEST));
        }
    }

    /** The coordinator asks a member of a side that lost a merge to push its data to {@code target}'s primaries. */
    public record MergeOut(PartitionTable target) {
        public byte[] encode() {
            return write(MessageType.MERGE_OUT, 64 + target.partitionCount() * 8, out -> target.writeTo(out));
        }

        static MergeOut decode(DataInput in) throws IOException {
            return new MergeOut(PartitionTable.readFrom(in));
        }
    }

    /** Reply to {@link MergeOut}: how many entries were pushed. */
    public record MergeOutDone(long entries) {
        public byte[] encode() {
            return write(MessageType.MERGE_OUT_DONE, 9, out -> out.writeLong(entries));
        }

        static MergeOutDone decode(DataInput in) throws IOException {
            return new MergeOutDone(in.readLong());
        }
    }

    /** Entries of a merged-away side, for the primary to merge in by latest update (HLC): a {@link Replicate} under another id. */
    public record MergeEntries(Replicate body) {
        public byte[] encode() {
            byte[] b = body.encode();
            b[0] = MessageType.MERGE_ENTRIES.id;
            return b;
        }

        static MergeEntries decode(DataInput in) throws IOException {
            return new MergeEntries(Replicate.decode(in, true)); // its senders send it whole: no UNKNOWN_CONFIG round
        }
    }
}
