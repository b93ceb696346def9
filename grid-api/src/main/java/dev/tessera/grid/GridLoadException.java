package dev.tessera.grid;

/**
 * A loader given to {@link GridMap#getOrLoad} (or a {@link MapStore#load}) threw. Every caller waiting
 * for that load receives this exception; on the member that ran the loader its cause is the
 * loader's exception, elsewhere the message names the exception's class and message.
 */
public class GridLoadException extends GridException {
    private static final long serialVersionUID = 1L;

    public GridLoadException(String message) {
        super(message);
    }

    public GridLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
