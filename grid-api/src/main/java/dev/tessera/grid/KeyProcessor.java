package dev.tessera.grid;

/**
 * Code that {@link GridMap#executeOnKey(Object, KeyProcessor)} runs on the member holding a key's
 * primary copy, atomically with respect to every other operation on that key.
 *
 * <p><b>Guarantees.</b> The processor runs once per call, at the key's primary, while the key is
 * locked there; a change it makes ({@link ProcessedEntry#setValue}, {@link ProcessedEntry#remove}) is
 * applied and copied to the backups like any write before the call returns. If the call fails with
 * {@link GridTimeoutException} the processor may or may not have run.
 *
 * <p><b>Registration.</b> The processor travels to the primary serialized, so its class (and the types
 * of its fields and of its result) must be registered on every member with
 * {@link GridBuilder#registerType(Class)}, like a value type; a lambda cannot be sent. An unregistered
 * processor fails on the caller with {@link GridSerializationException} naming the type to register.
 * The processor must not block for long (it holds the key) and must not call the grid.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type (returned to the caller; {@code null} allowed)
 */
public interface KeyProcessor<K, V, R> {

    /**
     * Reads and changes one entry.
     *
     * @return the result sent back to the caller
     * @throws RuntimeException any exception fails the call on the caller with {@link GridException}
     *                          carrying its message; the entry is left unchanged
     */
    R process(ProcessedEntry<K, V> entry);
}
