package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.store.Bytes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One map's changes waiting for the store on this member, in the order they were first queued.
 * Coalescing: one entry per key, the latest write wins and keeps its first due time (so a key written
 * over and over is still stored every {@code writeDelay}). Bounded: {@link #admits} refuses a new key
 * once {@code capacity} keys wait; entries handed over from a failed primary are always taken.
 */
final class WriteBehindQueue {
    /** A key's latest change: its value ({@code null}: delete) and version, due for the store at {@code dueAt}. */
    record Pending(Bytes key, int partition, long version, byte[] value, long dueAt) {}

    private final LinkedHashMap<Bytes, Pending> entries = new LinkedHashMap<>();
    private final int capacity;
    private final long delayMillis;

    WriteBehindQueue(int capacity, long delayMillis) {
        this.capacity = capacity;
        this.delayMillis = delayMillis;
    }

    int capacity() {
        return capacity;
    }

    /** Whether a write of {@code key} fits: it is queued already, or there is room for one more key. */
    synchronized boolean admits(Bytes key) {
        return entries.size() < capacity || entries.containsKey(key);
    }

    /** Queues (or coalesces into the key's entry) a change applied at {@code nowMillis}. */
    synchronized void offer(Bytes key, int partition, long version, byte[] value, long nowMillis) {
        Pending old = entries.get(key);
        long due = old == null ? nowMillis + delayMillis : old.dueAt();
        entries.put(key, new Pending(key, partition, version, value, due)); // a re-put keeps the key's place
    }

    /** Queues a change unless the key already waits with a newer one. */
    synchronized void offerIfAbsent(Pending p) {
        entries.putIfAbsent(p.key(), p);
    }

    synchronized boolean contains(Bytes key) {
        return entries.containsKey(key);
    }

    synchronized int size() {
        return entries.size();
    }

    /** Removes and returns up to {@code max} entries due at {@code nowMillis}, oldest first. */
    synchronized List<Pending> takeDue(long nowMillis, int max) {
        List<Pending> out = new ArrayList<>();
        Iterator<Pending> it = entries.values().iterator();
        while (it.hasNext() && out.size() < max) {
            Pending p = it.next();
            if (p.dueAt() > nowMillis) {
                break;
            }
            out.add(p);
            it.remove();
        }
        return out;
    }

    /** Removes and returns every entry of {@code partition}. */
    synchronized List<Pending> removePartition(int partition) {
        List<Pending> out = new ArrayList<>();
        entries.values().removeIf(p -> {
            if (p.partition() == partition) {
                out.add(p);
                return true;
            }
            return false;
        });
        return out;
    }
}
