package dev.tessera.grid.core.wire;

import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents;
import dev.tessera.grid.core.wire.EventMessages.Invalidations;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.EntriesResponse;
import dev.tessera.grid.core.wire.QueryMessages.SizeQuery;
import dev.tessera.grid.core.wire.QueryMessages.SizeResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.DestroyMap;
import dev.tessera.grid.core.wire.ReplicationMessages.Fence;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.TopologyMessages.LeaveRequest;
import dev.tessera.grid.core.wire.TopologyMessages.MergeEntries;
import dev.tessera.grid.core.wire.TopologyMessages.MergeOut;
import dev.tessera.grid.core.wire.TopologyMessages.MergeOutDone;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.core.wire.TopologyMessages.TableQuery;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import java.io.DataInput;
import java.io.IOException;

/**
 * Registry of wire message ids: the first byte of every message between members, each with the
 * decoder of its fields. Ids are part of the wire format: never renumber one (WireIdsTest pins them);
 * add new ones at the end.
 */
public enum MessageType {
    // client ops (ClientMessages)
    CLIENT_OP(1, ClientOp::decode),
    OP_RESPONSE(2, OpResponse::decode),
    // replication (ReplicationMessages)
    REPLICATE(3, Replicate::decode),
    REPLICATE_RESPONSE(4, ReplicateResponse::decode),
    // topology (TopologyMessages)
    TABLE_UPDATE(5, TableMessage::decodeUpdate),
    TRANSFER_DONE(6, TransferDone::decode),
    TABLE_QUERY(7, TableQuery::decode),
    TABLE_RESPONSE(8, TableMessage::decodeResponse),
    LEAVE_REQUEST(9, LeaveRequest::decode),
    // queries (QueryMessages)
    SIZE_QUERY(10, SizeQuery::decode),
    SIZE_RESPONSE(11, SizeResponse::decode),
    ENTRIES_QUERY(12, EntriesQuery::decode),
    ENTRIES_RESPONSE(13, EntriesResponse::decode),
    // merge after a split (TopologyMessages)
    MERGE_OUT(14, MergeOut::decode),
    MERGE_OUT_DONE(15, MergeOutDone::decode),
    MERGE_ENTRIES(16, MergeEntries::decode),
    // change notifications (EventMessages)
    INVALIDATIONS(17, Invalidations::decode),
    /** {@link ListenerInterests}: request, answered with the receiver's own; or one-way. */
    LISTENER_INTERESTS(18, ListenerInterests::decode),
    /** {@link EntryEvents}: one-way. */
    ENTRY_EVENTS(19, EntryEvents::decode),
    // 20, 22..24 are reserved
    /** A write-behind primary tells backups which (key, version)s its store now holds. */
    WRITE_BEHIND_FLUSHED(21, WriteBehindFlushed::decode),
    /** {@link Fence}: request, answered with a ReplicateResponse. */
    FENCE(25, Fence::decode),
    /**
     * {@link CompatibilityInfo}: a refused member's request for the cluster's description (carrying its own),
     * answered with the receiver's. The only request a member with another fingerprint gets answered.
     */
    COMPATIBILITY(26, CompatibilityInfo::decode),
    /** {@link DestroyMap}: request, answered with a ReplicateResponse once the receiver dropped the map. */
    DESTROY_MAP(27, DestroyMap::decode),
    // scans, one request stream per member (ScanMessages)
    /** {@link ScanMessages.ScanQuery}: request, answered with a {@link ScanMessages.ScanPage}. */
    SCAN_QUERY(28, ScanMessages.ScanQuery::decode),
    SCAN_PAGE(29, ScanMessages.ScanPage::decode),
    /** {@link ScanMessages.ClearPartitions}: request, answered with {@link ScanMessages.PartitionsCleared}. */
    CLEAR_PARTITIONS(30, ScanMessages.ClearPartitions::decode),
    PARTITIONS_CLEARED(31, ScanMessages.PartitionsCleared::decode),
    // read leases of CONSISTENT maps (LeaseMessages)
    /** {@link LeaseMessages.LeasePing}: request, answered with a {@link LeaseMessages.LeaseAck}. */
    LEASE_PING(32, LeaseMessages.LeasePing::decode),
    LEASE_ACK(33, LeaseMessages.LeaseAck::decode);

    /** Reads a message's fields (everything after its id byte); {@link Messages#decode} validates the rest. */
    @FunctionalInterface
    interface Decoder {
        Object decode(DataInput in) throws IOException;
    }

    private static final MessageType[] BY_ID = new MessageType[64];

    static {
        for (MessageType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    public final byte id;
    private final Decoder decoder;

    MessageType(int id, Decoder decoder) {
        this.id = (byte) id;
        this.decoder = decoder;
    }

    /** @throws MalformedMessageException for an unknown id */
    public static MessageType of(byte id) {
        MessageType t = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
        if (t == null) {
            throw new MalformedMessageException("unknown message type " + id);
        }
        return t;
    }

    /** This type's fields from {@code in}, positioned after the id byte. */
    Object decode(DataInput in) throws IOException {
        return decoder.decode(in);
    }
}
