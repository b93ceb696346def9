package dev.tessera.grid.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * An open-addressing hash table of {@link Record}s keyed by the key each record carries: one
 * reference per slot, no node or key object per entry.
 *
 * <p>Concurrency: writers hold the table's monitor; readers take no lock. A slot only ever changes from
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

    private volatile Record[] slots = new Record[MIN_CAPACITY];
    /** Records held (written under this monitor; read without it by {@link #isEmpty}). */
    private volatile int size;
    /** Slots not empty: records and removal marks (guarded by this). */
    private int used;
    /** Set while a compute function runs: it must not update this table itself (guarded by this). */
    private boolean computing;

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
    synchronized Record compute(Bytes key, BiFunction<Bytes, Record, Record> fn, BiConsumer<Record, Record> change) {
        if (computing) {
            throw new IllegalStateException("Recursive update of a partition store from inside its own update");
        }
        Record[] s = slots;
        int mask = s.length - 1;
        byte[] k = key.array();
        int free = -1;
        int i = mix(key.hashCode()) & mask;
        Record cur = null;
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
                cur = r;
                break;
            }
        }
        Record next;
        computing = true;
        try {
            next = fn.apply(key, cur);
        } finally {
            computing = false;
        }
        if (next == cur) {
            return cur;
        }
        if (next != null && !next.hasKey(k)) {
            throw new IllegalStateException("A partition store update returned a record of another key");
        }
        change.accept(cur, next);
        if (cur != null) {
            SLOT.setRelease(s, i, next == null ? REMOVED : next);
            if (next == null) {
                size--;
            }
            return next;
        }
        if (next == null) {
            return null;
        }
        if (free >= 0) {
            SLOT.setRelease(s, free, next);
        } else {
            SLOT.setRelease(s, i, next);
            used++;
        }
        size++;
        if (used * 4L >= s.length * 3L) {
            rehash(s);
        }
        return next;
    }

    /** Removes the slot of {@code expected} if it still holds it, telling {@code change}; returns whether it did. */
    synchronized boolean remove(Record expected, BiConsumer<Record, Record> change) {
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
                size--;
                return true;
            }
        }
    }

    /** Shrinks the array after most of its records went (a purge): capacity follows the records held. */
    synchronized void compact() {
        Record[] s = slots;
        if (s.length > MIN_CAPACITY && size * 8L < s.length) {
            rehash(s);
        }
    }

    /**
     * Grows the array at once to hold {@code expected} records without a rehash on the way (a migration target
     * announced the partition's size): one copy of the array instead of one per doubling. Never shrinks.
     */
    synchronized void ensureCapacity(int expected) {
        Record[] s = slots;
        if ((long) expected * 4 >= (long) s.length * 3 && expected < (1 << 29)) {
            rehash(s, expected);
        }
    }

    /** Rebuilds into a new array that readers switch to, sized for the records held (grows, or drops removal marks). */
    private void rehash(Record[] old) {
        rehash(old, 0);
    }

    private void rehash(Record[] old, int expected) {
        int capacity = MIN_CAPACITY;
        long fill = Math.max(size, (long) expected);
        while (fill * 2L >= capacity) { // at most half full after a rebuild
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
    synchronized void clear(Consumer<Record> removed) {
        for (Record r : slots) {
            if (r != null && r != REMOVED) {
                removed.accept(r);
            }
        }
        size = 0;
        used = 0;
        slots = new Record[MIN_CAPACITY];
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
