package dev.tessera.bench;

import java.time.Duration;
import java.util.Map;

/**
 * The one interface the driver uses: every workload (WORKLOAD.md) runs the same code against each
 * implementation. Implementations: {@link TesseraStore}, {@link HazelcastStore}, {@link ChmStore}.
 */
public interface Store extends AutoCloseable {

    /** "tessera", "hazelcast" or "chm". */
    String kind();

    /** The value of {@code key}, or {@code null}. */
    byte[] get(String key);

    /** Blind write (Hazelcast {@code IMap.set}, Tessera {@code GridMap.set}). */
    void set(String key, byte[] value);

    void putAll(Map<String, byte[]> batch);

    int size();

    /**
     * Blocks until no migration is in progress, every backup is in sync, every member owns
     * partitions and the table did not change for a short while.
     *
     * @throws IllegalStateException if that does not happen within {@code timeout}
     */
    void awaitRedundancy(Duration timeout);

    /** Counters the driver reports as deltas over the measured window (near-cache hits, messages). */
    default Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    void close();
}
