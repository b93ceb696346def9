package dev.tessera.grid.core.owner;

/**
 * Told of each key this member changed as primary in a map with a near cache, after the change and
 * before its copy is sent. The near-cache publisher is passed in as one, so that replication does not
 * depend on the near cache.
 */
@FunctionalInterface
public interface KeyInvalidator {
    /** {@code key} of {@code map}, in {@code partition}, has changed. */
    void changed(String map, int partition, byte[] key);
}
