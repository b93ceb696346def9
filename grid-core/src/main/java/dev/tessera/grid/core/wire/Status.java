package dev.tessera.grid.core.wire;

import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridTimeoutException;

/** Outcome of a request at its receiver. Ids are wire format: append only. */
public enum Status {
    /** Applied (or read). */
    OK(0),
    /** The receiver is not the primary at its table version: refresh the table and retry. */
    WRONG_OWNER(1),
    /** The sender's table is newer than the receiver's: retry shortly, the table is on its way. */
    RETRY(2),
    /** The receiver is not (or no longer) a replica the sender may write to: the sender is stale. */
    REJECTED(3),
    /** The request failed at the receiver; the response carries a message. */
    ERROR(4),
    /** A CONSISTENT map refuses the write: this side of a split holds no majority. */
    UNAVAILABLE(5),
    /** The primary gave up waiting (for its backups): the caller reports a timeout. */
    TIMEOUT(6),
    /** A bound refused the operation (map count, write-behind queue, store threads); the message names it. */
    LIMIT(7),
    /** The map store's loader failed; the message names its exception. */
    LOAD_FAILED(8),
    /**
     * A CONSISTENT map's primary holds no read lease (ADR 0013): the rest of its view has not confirmed it recently,
     * so another member may have taken its partitions over. Nothing was applied or read: retry, the table is changing.
     */
    NO_LEASE(9),
    /**
     * The request named its map by a header digest the receiver has not learned ({@link MapHeaderRegistry}): nothing
     * was applied. The sender resends it with the full map header.
     */
    UNKNOWN_CONFIG(10);

    private static final Status[] BY_ID = values();

    public final byte id;

    Status(int id) {
        this.id = (byte) id;
    }

    /** The status that tells the caller which failure {@code cause} was: its exception's type travels, not its text. */
    public static Status ofFailure(Throwable cause) {
        if (cause instanceof GridTimeoutException) {
            return TIMEOUT;
        }
        if (cause instanceof GridLimitException) {
            return LIMIT;
        }
        if (cause instanceof GridLoadException) {
            return LOAD_FAILED;
        }
        return ERROR;
    }

    public static Status of(byte id) {
        if (id < 0 || id >= BY_ID.length) {
            throw new MalformedMessageException("unknown status " + id);
        }
        return BY_ID[id];
    }
}
