package dev.tessera.grid;

/**
 * A key or value could not be serialized or deserialized. Thrown on the calling thread before any
 * byte leaves the JVM when the type is not allowed; the message names the class and how to allow it
 * ({@link GridBuilder#registerType(Class)}).
 */
public class GridSerializationException extends GridException {
    private static final long serialVersionUID = 1L;

    public GridSerializationException(String message) {
        super(message);
    }

    public GridSerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
