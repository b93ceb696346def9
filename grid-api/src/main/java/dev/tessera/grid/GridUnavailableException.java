package dev.tessera.grid;

/**
 * The grid cannot serve the operation now: a partition has no live owner (more members failed at
 * once than the map has backups, and the data of that partition is gone; new writes succeed once the
 * coordinator assigns a new owner), or a {@link SplitBrainMode#CONSISTENT} map refuses a write on a
 * side of a network split that holds no majority.
 *
 * <p>A refusal is normally clean: the write was not applied anywhere. When the write was refused
 * only after it had already been applied on this side (the majority was lost while the write was
 * being copied to the backups), or after an earlier attempt of it was sent to a member that then
 * became unreachable, {@link #mayHaveBeenApplied()} is {@code true}: the outcome is unknown, as
 * after a timeout. A write to a {@link SplitBrainMode#CONSISTENT} map whose primary became
 * unreachable after it was sent fails so at once, not retried: its primary may have applied it.
 */
public class GridUnavailableException extends GridException {
    private static final long serialVersionUID = 1L;

    private final boolean mayHaveBeenApplied;

    /** A clean refusal: the operation was not applied. */
    public GridUnavailableException(String message) {
        this(message, false);
    }

    /** @param mayHaveBeenApplied see {@link #mayHaveBeenApplied()} */
    public GridUnavailableException(String message, boolean mayHaveBeenApplied) {
        super(message);
        this.mayHaveBeenApplied = mayHaveBeenApplied;
    }

    /**
     * Whether the refused write may nevertheless have been applied. {@code true} means the write
     * may have been applied on this side, may be read, and may survive the heal, like a write that
     * timed out: retry it (if it is idempotent) or read the key to find out. {@code false} means the
     * write was definitely not applied.
     */
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }
}
