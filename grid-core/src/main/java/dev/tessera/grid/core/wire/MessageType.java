package dev.tessera.grid.core.wire;

/**
 * Registry of wire message ids: the first byte of every message between members. Ids are part of
 * the wire format: never renumber one (WireIdsTest pins them); add new ones at the end.
 */
public enum MessageType {
    CLIENT_OP(1),
    OP_RESPONSE(2),
    REPLICATE(3),
    REPLICATE_RESPONSE(4),
    TABLE_UPDATE(5),
    TRANSFER_DONE(6),
    TABLE_QUERY(7),
    TABLE_RESPONSE(8),
    LEAVE_REQUEST(9),
    SIZE_QUERY(10),
    SIZE_RESPONSE(11),
    ENTRIES_QUERY(12),
    ENTRIES_RESPONSE(13),
    MERGE_OUT(14),
    MERGE_OUT_DONE(15),
    MERGE_ENTRIES(16),
    INVALIDATIONS(17),
    /** {@link EventMessages.ListenerInterests}: request, answered with the receiver's own; or one-way. */
    LISTENER_INTERESTS(18),
    /** {@link EventMessages.EntryEvents}: one-way. */
    ENTRY_EVENTS(19),
    // 20, 22..24 are reserved
    /** A write-behind primary tells backups which (key, version)s its store now holds. */
    WRITE_BEHIND_FLUSHED(21),
    /** {@link Messages.Fence}: request, answered with a ReplicateResponse. */
    FENCE(25),
    /**
     * {@link CompatibilityInfo}: a refused member's request for the cluster's description (carrying its own),
     * answered with the receiver's. The only request a member with another fingerprint gets answered.
     */
    COMPATIBILITY(26),
    /** {@link Messages.DestroyMap}: request, answered with a ReplicateResponse once the receiver dropped the map. */
    DESTROY_MAP(27);

    private static final MessageType[] BY_ID = new MessageType[64];

    static {
        for (MessageType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    public final byte id;

    MessageType(int id) {
        this.id = (byte) id;
    }

    /** @throws MalformedMessageException for an unknown id */
    public static MessageType of(byte id) {
        MessageType t = id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
        if (t == null) {
            throw new MalformedMessageException("unknown message type " + id);
        }
        return t;
    }
}
