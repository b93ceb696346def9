package dev.tessera.grid;

/**
 * A configured bound of the grid refused the operation; nothing was created or applied. The message
 * names the limit and how to raise it (e.g. {@link GridBuilder#maxMaps(int)}) or free room
 * ({@link GridMap#destroy()}). Raised on the caller, also when another member refused the operation
 * because its own limit was reached.
 */
public class GridLimitException extends GridException {
    private static final long serialVersionUID = 1L;

    public GridLimitException(String message) {
        super(message);
    }
}
