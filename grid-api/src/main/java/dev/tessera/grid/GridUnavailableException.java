package dev.tessera.grid;

/**
 * A partition has no live owner: more members failed at once than the map has backups, and the
 * data of that partition is gone. The map keeps serving the other partitions; new writes to this
 * partition succeed once the coordinator assigns a new owner.
 */
public class GridUnavailableException extends GridException {
    public GridUnavailableException(String message) {
        super(message);
    }
}
