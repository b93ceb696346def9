package dev.tessera.grid.core.wire;

/** Single-key operations executed on a partition's primary. Ids are wire format: append only. */
public enum OpCode {
    GET(1, false),
    CONTAINS(2, false),
    PUT(3, true),
    SET(4, true),
    REMOVE(5, true),
    DELETE(6, true),
    PUT_IF_ABSENT(7, true),
    REPLACE(8, true),
    REPLACE_IF_EQUALS(9, true),
    REMOVE_IF_EQUALS(10, true),
    /** Read the value and its version, for compare-and-set updates (compute, merge). */
    GET_VERSIONED(11, false),
    /** Write (or remove, if the value is null) only if the live version equals the expected one (0 = absent). */
    SET_IF_VERSION(12, true),
    /** Remove every entry of the partition. */
    CLEAR_PARTITION(13, true),
    /** getOrLoad: the live value, or a lease to load it (one caller per key), or wait for the lease holder's result. */
    LOAD_OR_LEASE(14, false),
    /** getOrLoad: the lease holder writes the loaded value (if the entry is still as leased) and hands it to the waiters. */
    LOAD_COMPLETE(15, true),
    /** getOrLoad: the lease holder's loader threw; the waiters receive its description. */
    LOAD_FAILED(16, false),
    /**
     * Internal to a primary with a MapStore: write a value read through from the store, only if the key's
     * record still has the expected version (0 = no record), i.e. nothing was written since the miss.
     */
    LOAD_IF_ABSENT(17, true),
    /** Set every key/value pair of one partition ({@link PackedEntries} in the value field): a grouped putAll. */
    PUT_ALL(18, true),
    /** Runs a registered {@code KeyProcessor} (the value field) on the key at its primary. */
    EXECUTE_ON_KEY(19, true);

    private static final OpCode[] BY_ID = new OpCode[32];

    static {
        for (OpCode c : values()) {
            BY_ID[c.id] = c;
        }
    }

    public final byte id;
    public final boolean mutating;

    OpCode(int id, boolean mutating) {
        this.id = (byte) id;
        this.mutating = mutating;
    }

    public static OpCode of(byte id) {
        OpCode c = id > 0 && id < BY_ID.length ? BY_ID[id] : null;
        if (c == null) {
            throw new MalformedMessageException("unknown op code " + id);
        }
        return c;
    }
}
