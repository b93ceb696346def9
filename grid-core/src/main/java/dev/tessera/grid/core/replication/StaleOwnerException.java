package dev.tessera.grid.core.replication;

/**
 * A replica refused a copy because, by its newer table, the sender is no longer the partition's
 * primary (or the receiver no longer a replica). The operation is reported to its caller as
 * WRONG_OWNER and retried against the new primary.
 */
public final class StaleOwnerException extends RuntimeException {
    public StaleOwnerException(String message) {
        super(message, null, false, false);
    }
}
