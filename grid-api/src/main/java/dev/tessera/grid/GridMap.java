package dev.tessera.grid;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;

/**
 * A map partitioned across the members of the cluster, with synchronous backups.
 *
 * <p><b>Where operations run.</b> Each key belongs to one partition (a hash of its serialized
 * bytes); each partition has one primary member and {@link MapConfig#backups()} backup members.
 * Single-key operations run on the primary; a read of a key whose primary is this member touches
 * no network. Writes return after the primary and every live synchronous backup applied them.
 *
 * <p><b>Guarantees.</b> Single-key operations are atomic and, while no member is suspected,
 * linearizable per key. An acknowledged write survives the simultaneous loss of up to
 * {@code backups} members. During a membership change operations are retried internally and see
 * extra latency, not errors; an operation that cannot complete within the operation timeout fails
 * with {@link GridTimeoutException} and may or may not have been applied.
 *
 * <p><b>Equality.</b> Keys are compared by their serialized form, which must be the same on every
 * JVM (records, strings, numbers, UUIDs and enums are; hash-ordered collections are rejected). The
 * value comparisons of {@link #replace(Object, Object, Object)} and {@link #remove(Object, Object)}
 * also compare serialized forms.
 *
 * <p><b>Compute family.</b> {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} and
 * {@code merge} apply the function on the calling thread to the value read from the primary, then
 * write the result to the primary only if the entry is still at the version read (compare-and-set
 * on the primary), retrying on conflict. The update is atomic on the owner; the function may be
 * called more than once and must not have side effects.
 *
 * <p><b>Iteration and size.</b> {@link #size()}, {@link #keySet()}, {@link #values()} and
 * {@link #entrySet()} are cluster-wide and weakly consistent, like those of
 * {@link java.util.concurrent.ConcurrentHashMap}: they never throw
 * {@link java.util.ConcurrentModificationException} and reflect some of the concurrent updates.
 *
 * <p><b>Async twins.</b> The {@code ...Async} methods never block the caller on the network; their
 * futures complete on {@link java.util.concurrent.ForkJoinPool#commonPool()} (or at once, for a
 * local read), never on the grid's messaging threads, so a slow continuation cannot stall the grid.
 *
 * <p>Null keys and values are rejected with {@link NullPointerException}. Operations on a closed
 * grid throw {@link IllegalStateException}. Instances are thread-safe.
 *
 * @param <K> key type (registered with the grid unless a built-in type)
 * @param <V> value type (registered with the grid unless a built-in type)
 */
public interface GridMap<K, V> extends ConcurrentMap<K, V> {

    /** The map's name. */
    String name();

    /** The map's configuration. */
    MapConfig config();

    /** Stores the value without returning the previous one (cheaper than {@link #put}). */
    void set(K key, V value);

    /** Removes the key without returning the previous value (cheaper than {@link #remove(Object)}). */
    void delete(K key);

    /** Values of the keys present; absent keys are missing from the result. */
    Map<K, V> getAll(Set<? extends K> keys);

    /** The member that currently holds the primary copy of {@code key}. */
    Member ownerOf(K key);

    /** The partition of {@code key}, in {@code 0 .. partitionCount-1}. */
    int partitionOf(K key);

    CompletableFuture<V> getAsync(K key);

    CompletableFuture<V> putAsync(K key, V value);

    CompletableFuture<Void> setAsync(K key, V value);

    CompletableFuture<V> removeAsync(K key);

    CompletableFuture<Void> deleteAsync(K key);

    CompletableFuture<V> putIfAbsentAsync(K key, V value);

    CompletableFuture<V> replaceAsync(K key, V value);

    CompletableFuture<Boolean> replaceAsync(K key, V oldValue, V newValue);

    CompletableFuture<Boolean> removeAsync(K key, V value);

    CompletableFuture<Boolean> containsKeyAsync(K key);

    CompletableFuture<Map<K, V>> getAllAsync(Set<? extends K> keys);

    CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries);
}
