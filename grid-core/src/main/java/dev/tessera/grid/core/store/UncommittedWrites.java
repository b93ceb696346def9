package dev.tessera.grid.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys of one partition store whose latest write this member applied as primary but whose copy
 * the synchronous replicas have not acknowledged yet, each with that write's commit: a future that
 * completes {@code true} once the write may be served, {@code false} if a replica rejected it because
 * this member is no longer the partition's primary.
 *
 * <p>Why a primary must not answer from such a write: a rejected write is retried by its caller at the
 * new primary, which never saw it. A read served from it here would have shown a value that then
 * vanished from the map (not linearizable). So reads, and writes that decide from the current value
 * without changing it, wait for the commit of the key's latest write.
 *
 * <p>Ordering: a write registers inside the key's atomic update, before its record is published; a
 * reader reads the record first and looks here second, so a reader that saw the record also sees its
 * registration or its settlement. Settlement removes the key before it completes the commit.
 *
 * <p>Registered: every write of the owner's write path (single-key writes, putAll, clear, a split-brain merge's
 * writes, removals by expiry and eviction). Not registered (known limit): the value handed to getOrLoad's waiting
 * callers, which they get as soon as the loader's write is applied.
 */
public final class UncommittedWrites {
    private final ConcurrentHashMap<Bytes, CompletableFuture<Boolean>> byKey = new ConcurrentHashMap<>();

    /** Registers {@code commit} as the commit of {@code key}'s latest write; call inside the key's update. */
    public void add(Bytes key, CompletableFuture<Boolean> commit) {
        byKey.put(key, commit);
    }

    /** The commit of {@code key}'s latest write if it is still uncommitted, else {@code null}. */
    public CompletableFuture<Boolean> of(Bytes key) {
        return byKey.isEmpty() ? null : byKey.get(key);
    }

    /** Removes {@code key}'s registration if it is still {@code commit} (a later write replaces it). */
    public void settle(Bytes key, CompletableFuture<Boolean> commit) {
        byKey.remove(key, commit);
    }

    /** How many keys wait for a commit (for tests and introspection). */
    public int size() {
        return byKey.size();
    }
}
