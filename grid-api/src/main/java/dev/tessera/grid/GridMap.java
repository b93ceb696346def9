package dev.tessera.grid;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

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
 * with {@link GridTimeoutException} and may or may not have been applied. A write to a
 * {@link SplitBrainMode#CONSISTENT} map whose primary became unreachable after the write was sent is
 * not retried (a retry could apply it a second time, after later writes): it fails with
 * {@link GridUnavailableException} whose {@link GridUnavailableException#mayHaveBeenApplied()} is
 * {@code true}. A write to an {@code AVAILABLE} map is retried then, and may be applied twice.
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
 * called more than once and must not have side effects. On a miss, {@code computeIfAbsent} instead
 * runs its function once across the cluster for all concurrent callers of the key, like
 * {@link #getOrLoad(Object, Function)}: the caller whose function throws gets that exception, the
 * others a {@link GridLoadException}.
 *
 * <p><b>Iteration and size.</b> {@link #size()}, {@link #keySet()}, {@link #values()} and
 * {@link #entrySet()} are cluster-wide and weakly consistent, like those of
 * {@link java.util.concurrent.ConcurrentHashMap}: they never throw
 * {@link java.util.ConcurrentModificationException} and reflect some of the concurrent updates. Their
 * iterators support {@code remove()}, which removes the entry from the map.
 *
 * <p><b>Keys of types the grid cannot store.</b> A lookup ({@code get}, {@code containsKey},
 * {@code getOrDefault}, {@code remove(key)}, {@code remove(key, value)}, {@code keySet().contains},
 * {@code entrySet().contains}) with a key whose type is not registered answers as for an absent key:
 * such a key can never be in the map. A write with one throws {@link GridSerializationException} that
 * says which type to register.
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

    /**
     * Removes the map from the cluster: its entries and every structure it holds on every member
     * (storage, near caches, eviction and store state; a write-behind map's changes not yet stored are
     * discarded), which frees its slot of {@link GridBuilder#maxMaps(int)}. Returns once every member of
     * the current view confirmed.
     *
     * <p>Afterwards this handle, and the handle of the same name on every other member, refuse every
     * operation with {@link IllegalStateException}; {@link Grid#map(String)} with the name creates a
     * new, empty map (as a new Hazelcast proxy does after {@code destroy}). Writes that other members
     * run concurrently with the destroy may recreate the map and survive in it. Listeners registered on
     * the map stay registered and see the new map's events.
     *
     * @throws GridTimeoutException if a member did not confirm within the operation timeout (it may still
     *                              hold the entries: destroy again)
     * @throws GridException        if a member failed to drop the map
     * @throws IllegalStateException if the grid is closed or the map was already destroyed
     */
    void destroy();

    /** Stores the value without returning the previous one (cheaper than {@link #put}). */
    void set(K key, V value);

    /** Removes the key without returning the previous value (cheaper than {@link #remove(Object)}). */
    void delete(K key);

    /**
     * Like {@link #put(Object, Object)}, with a time-to-live for this entry that overrides the map's
     * {@link MapConfig#timeToLive()}: the entry expires {@code ttl} after this write.
     *
     * @throws IllegalArgumentException if {@code ttl} is not at least 1 ms
     */
    V put(K key, V value, Duration ttl);

    /** Like {@link #set(Object, Object)}, with a time-to-live for this entry (see {@link #put(Object, Object, Duration)}). */
    void set(K key, V value, Duration ttl);

    /**
     * The value of {@code key}; on a miss, {@code loader} computes it once across the whole cluster and
     * every concurrent caller for that key (on any member) receives the loaded value.
     *
     * <p>The key's primary grants one caller a lease to load; the others wait for its result. If the
     * loader returns {@code null} nothing is stored and the waiters receive {@code null}. If it throws,
     * every waiter gets a {@link GridLoadException}. If the loading member dies or its lease runs out
     * (the operation timeout), one waiter is granted the lease and loads in its place. If the key's
     * primary changes during the load, the waiters ask the new primary, and the value may be loaded
     * once more.
     *
     * @throws NullPointerException if {@code key} or {@code loader} is null
     * @throws GridLoadException    if the loader threw (here: with its exception as the cause)
     */
    V getOrLoad(K key, Function<? super K, ? extends V> loader);

    /**
     * {@link #getOrLoad(Object, Function)} with a time-to-live, early refresh or stale-while-revalidate.
     * An early refresh or a stale read returns the current value at once while exactly one caller
     * reloads in the background.
     *
     * @throws IllegalArgumentException naming the option, if early refresh or stale-while-revalidate is
     *                                  asked for without a time-to-live (in the options or the map's
     *                                  configuration), or a duration is under 1 ms
     */
    V getOrLoad(K key, LoadOptions options, Function<? super K, ? extends V> loader);

    /**
     * Listens to changes of every entry of the map, wherever its primary is. Events of one key arrive
     * in the order its primary applied them (across a change of primary, by migration or failover, the
     * two primaries' events are not ordered with each other). A member that joins later learns the
     * registration when it joins.
     *
     * <p>Blocks until every member acknowledged the registration (at most the operation timeout; a
     * member that does not answer is logged, not waited for): changes applied after this returns are
     * delivered. Delivery is asynchronous and never delays a write; a listener more than 65,536 events
     * behind loses newer events (counted and logged), as does a primary that cannot send them as
     * fast as they happen. Closing the registration unregisters everywhere, again waiting for the
     * members' acknowledgements.
     *
     * @param includeValues whether events carry the new and old values (they cost a copy each)
     */
    Registration addEntryListener(EntryListener<K, V> listener, boolean includeValues);

    /**
     * Listens to changes of the entries whose primary is this member (no network involved); after a
     * migration the moved entries' events are published by their new primary.
     */
    Registration addLocalEntryListener(EntryListener<K, V> listener, boolean includeValues);

    /**
     * Runs {@code processor} on {@code key}'s entry at the key's primary member, atomically and once, and
     * returns its result. A change it makes is replicated to the backups like any write before this returns.
     * Unlike {@code compute}, the value does not travel to the caller and nothing is retried on conflict.
     *
     * @throws GridSerializationException if the processor's class (or a type it holds) is not registered:
     *                                    register it on every member with {@link GridBuilder#registerType}
     * @throws GridException              if the processor threw at the primary (with its message), or the map
     *                                    has a {@link MapStore} (not supported yet)
     * @throws NullPointerException       if {@code key} or {@code processor} is null
     */
    <R> R executeOnKey(K key, KeyProcessor<K, V, R> processor);

    /**
     * {@link #executeOnKey} for each key, the keys in parallel; each key's run is atomic on its own.
     *
     * @return each key's non-null result
     * @throws GridException if the processor failed for a key (the other keys may have been processed)
     */
    <R> Map<K, R> executeOnKeys(Set<? extends K> keys, KeyProcessor<K, V, R> processor);

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
