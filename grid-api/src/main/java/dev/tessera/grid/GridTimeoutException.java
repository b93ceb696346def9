package dev.tessera.grid;

/**
 * An operation did not complete within the configured operation timeout. The write may or may not
 * have been applied: retry it if it is idempotent, or read to find out.
 */
public class GridTimeoutException extends GridException {
    private static final long serialVersionUID = 1L;

    private final int partition;
    private final String member;

    public GridTimeoutException(String message, int partition, String member) {
        super(message);
        this.partition = partition;
        this.member = member;
    }

    /** The partition the operation addressed, or -1 for multi-partition operations. */
    public int partition() {
        return partition;
    }

    /** The member last tried as owner, or {@code null} if none was known. */
    public String member() {
        return member;
    }
}
