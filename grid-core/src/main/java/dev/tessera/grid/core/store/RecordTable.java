package dev.tessera.grid.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

/**
 * An open-addressing hash table of {@link Record}s keyed by the key each record carries: one
 * reference per slot, no node or key object per entry.
 *
 * <p>Concurrency: readers take no lock. A writer holds its key's stripe (one of {@link #STRIPES} monitors, by key
 * hash), so writes of one key are serial; a write that replaces or removes an existing key's record also holds
 * the structure lock shared (writes of other keys proceed in parallel), one that inserts a key, and every
 * rebuild, holds it exclusively. A writer descheduled inside its update thus stalls only the writers of its
 * stripe, not of the whole partition (on oversubscribed cores that stall was the local-write p99.9). A slot only ever changes from
 * empty or {@link #REMOVED} (which a probe steps over) to a record, and from a record to another record
 * of the same key or to {@code REMOVED}; readers compare keys, so a reader sees for its key some record
 * the key held during its read (or none, if the key was removed meanwhile), never another key's. Growth builds a new array and publishes it through a volatile field: a reader still on the old
 * array finds every record that was in it when the new one was published (the writes that complete
 * afterwards go to the new array, which every later read uses).
 */
final class RecordTable {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Record[].class);
    /** Marks a slot whose record was removed: probes continue past it, inserts may reuse it. */
    private static final Record REMOVED = new Record(new byte[0], null, 0, 0);
    private static final int MIN_CAPACITY = 16;

    /** Monitors that serialize the writers of one key (by hash): writers of other stripes run in parallel. */
    static final int STRIPES = 16;
    private static final VarHandle SIZE;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(RecordTable.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Record[] slots = new Record[MIN_CAPACITY];
    /** Records held (changed atomically; read without a lock by {@link #isEmpty}). */
    private volatile int size;
    /** Slots not empty: records and removal marks (guarded by the structure lock, exclusive). */
    private int used;
    /** Shared: a record replaced in its slot; exclusive: a slot taken, or the array rebuilt. */
    private final StampedLock structure = new StampedLock();
    private final Object[] stripes = new Object[STRIPES];
    /**
     * Per stripe, the thread running a compute function (written under the stripe): a function must not update
     * this table itself, and a thread finds itself here whichever stripe it holds (its own writes it always sees).
     */
    private final Thread[] computing = new Thread[STRIPES];

    RecordTable() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Spreads the polynomial hash so that similar keys do not cluster in linear probing. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** The record of {@code key}, or {@code null}; lock-free. */
    Record get(byte[] key, int hash) {
        Record[] s = slots;
        int mask = s.length - 1;
        for (int i = mix(hash) & mask; ; i = (i + 1) & mask) {
            Record r = (Record) SLOT.getAcquire(s, i);
            if (r == null) {
                return null;
            }
            if (r != REMOVED && r.hasKey(key)) {
                return r;
            }
        }
    }

    /**
     * Replaces the record of {@code key} by {@code fn(key, current)} atomically ({@code null}: removes it).
     * The function must return {@code current}, {@code null} or a record of the same key, and must not
     * update this table itself.
     *
     * @param change called with (before, after) inside the update when the record changes
     * @return the record held afterwards
     */
    Record compute(Bytes key, BiFunction<Bytes, Record, Record> fn, BiConsumer<Record, Record> change) {
        int stripe = mix(key.hashCode()) >>> 28; // high bits: the slot index uses the low ones
        synchronized (stripes[stripe]) {
            Thread self = Thread.currentThread();
            for (Thread t : computing) {
                if (t == self) {
                    throw new IllegalStateException("Recursive update of a partition store from inside its own update");
                }
            }
            long shared = structure.readLock();
            try {
                Record[] s = slots;
                int mask = s.length - 1;
                byte[] k = key.array();
                for (int i = mix(key.hashCode()) & mask; ; i = (i + 1) & mask) {
                    Record r = s[i];
                    if (r == null) {
                        break; // absent: inserting takes the structure lock exclusively
                    }
                    if (r != REMOVED && r.hasKey(k)) {
                        return replace(s, i, key, r, fn, change, stripe);
                    }
                }
            } finally {
                structure.unlockRead(shared);
            }
            long exclusive = structure.writeLock();
            try {
                return insert(key, fn, change, stripe);
            } finally {
                structure.unlockWrite(exclusive);
            }
        }
    }

    /** {@code cur}, at slot {@code i} of {@code s}, becomes {@code fn}'s record; under its stripe and the shared lock. */
    private Record replace(Record[] s, int i, Bytes key, Record cur, BiFunction<Bytes, Record, Record> fn,
                           BiConsumer<Record, Record> change, int stripe) {
        Record next = apply(key, cur, fn, stripe);
        if (next == cur) {
            return cur;
        }
        change.accept(cur, next);
        SLOT.setRelease(s, i, next == null ? REMOVED : next);
        if (next == null) {
            SIZE.getAndAdd(this, -1);
        }
        return next;
    }

    /** The update of a key that had no record; under its stripe and the exclusive lock. */
    private Record insert(Bytes key, BiFunction<Bytes, Record, Record> fn, BiConsumer<Record, Record> change, int stripe) {
        Record[] s = slots;
        int mask = s.length - 1;
        byte[] k = key.array();
        int free = -1;
        int i = mix(key.hashCode()) & mask;
        for (; ; i = (i + 1) & mask) {
            Record r = s[i];
            if (r == null) {
                break;
            }
            if (r == REMOVED) {
                if (free < 0) {
                    free = i;
                }
            } else if (r.hasKey(k)) {
                return replace(s, i, key, r, fn, change, stripe); // not reached: only our stripe inserts this key
            }
        }
        Record next = apply(key, null, fn, stripe);
        if (next == null) {
            return null;
        }
        change.accept(null, next);
        if (free >= 0) {
            SLOT.setRelease(s, free, next);
        } else {
            SLOT.setRelease(s, i, next);
            used++;
        }
        SIZE.getAndAdd(this, 1);
        if (used * 4L >= s.length * 3L) {
            rehash(s);
        }
        return next;
    }

    /** {@code fn(key, cur)}, checked to be {@code cur}, {@code null} or a record of the same key; under the key's stripe. */
    private Record apply(Bytes key, Record cur, BiFunction<Bytes, Record, Record> fn, int stripe) {
        Record next;
        computing[stripe] = Thread.currentThread();
        try {
            next = fn.apply(key, cur);
        } finally {
            computing[stripe] = null;
        }
        if (next != null && next != cur && !next.hasKey(key.array())) {
            throw new IllegalStateException("A partition store update returned a record of another key");
        }
        return next;
    }

    /** Removes the slot of {@code expected} if it still holds it, telling {@code change}; returns whether it did. */
    boolean remove(Record expected, BiConsumer<Record, Record> change) {
        long exclusive = structure.writeLock();
        try {
            Record[] s = slots;
            int mask = s.length - 1;
            for (int i = mix(expected.keyHash()) & mask; ; i = (i + 1) & mask) {
                Record r = s[i];
                if (r == null) {
                    return false;
                }
                if (r == expected) {
                    change.accept(expected, null);
                    SLOT.setRelease(s, i, REMOVED);
                    SIZE.getAndAdd(this, -1);
                    return true;
                }
            }
        } finally {
            structure.unlockWrite(exclusive);
        }
    }

    /** Shrinks the array after most of its records went (a purge): capacity follows the records held. */
    void compact() {
        long exclusive = structure.writeLock();
        try {
            Record[] s = slots;
            if (s.length > MIN_CAPACITY && size * 8L < s.length) {
                rehash(s);
            }
        } finally {
            structure.unlockWrite(exclusive);
        }
    }

    /** Rebuilds into a new array that readers switch to, sized for the records held (grows, or drops removal marks); exclusive. */
    private void rehash(Record[] old) {
        int capacity = MIN_CAPACITY;
        while (size * 2L >= capacity) { // at most half full after a rebuild
            capacity <<= 1;
        }
        Record[] s = new Record[capacity];
        int mask = capacity - 1;
        for (Record r : old) {
            if (r != null && r != REMOVED) {
                int i = mix(r.keyHash()) & mask;
                while (s[i] != null) {
                    i = (i + 1) & mask;
                }
                s[i] = r;
            }
        }
        used = size;
        slots = s;
    }

    /** Empties the table, calling {@code removed} for each record it held. */
    void clear(Consumer<Record> removed) {
        long exclusive = structure.writeLock();
        try {
            for (Record r : slots) {
                if (r != null && r != REMOVED) {
                    removed.accept(r);
                }
            }
            size = 0;
            used = 0;
            slots = new Record[MIN_CAPACITY];
        } finally {
            structure.unlockWrite(exclusive);
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Slots of the current array (heap accounting). */
    int capacity() {
        return slots.length;
    }

    /**
     * Iterates the records of the array current at the call, weakly consistent like a
     * {@code ConcurrentHashMap} iterator: each record present throughout is returned once, in some version.
     */
    Iterator<Record> iterator() {
        Record[] s = slots;
        return new Iterator<>() {
            private int i = -1;
            private Record next = advance();

            private Record advance() {
                while (++i < s.length) {
                    Record r = (Record) SLOT.getAcquire(s, i);
                    if (r != null && r != REMOVED) {
                        return r;
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Record next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Record r = next;
                next = advance();
                return r;
            }
        };
    }
}
