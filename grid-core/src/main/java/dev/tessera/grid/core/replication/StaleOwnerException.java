package dev.tessera.grid.core.replication;

/**
 * A replica refused a copy because, by its newer table, the sender is no longer the partition's
 * primary (or the receiver no longer a replica). The operation is reported to its caller as
 * WRONG_OWNER and retried against the new primary.
 */
public final class StaleOwnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long tableVersion;

    /** @param tableVersion the version of the table by which the replica refused the copy */
    public StaleOwnerException(String message, long tableVersion) {
        super(message, null, false, false);
        this.tableVersion = tableVersion;
    }

    /** The version of the replica's table: the sender must not act as the partition's primary with an older one. */
    public long tableVersion() {
        return tableVersion;
    }
}
