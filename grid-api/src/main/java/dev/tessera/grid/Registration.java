package dev.tessera.grid;

/** Handle for something registered with the grid, such as a listener. Closing it unregisters. */
@FunctionalInterface
public interface Registration extends AutoCloseable {
    /** Unregisters; idempotent. */
    @Override
    void close();
}
