package dev.tessera.grid;

/**
 * Root of the exceptions Tessera throws for grid-level failures (timeouts, serialization, lost
 * partitions). Misuse of the API is reported with the JDK's own types instead:
 * {@link NullPointerException} for null keys or values, {@link IllegalArgumentException} for bad
 * configuration, {@link IllegalStateException} for operations on a closed grid.
 */
public class GridException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GridException(String message) {
        super(message);
    }

    public GridException(String message, Throwable cause) {
        super(message, cause);
    }
}
