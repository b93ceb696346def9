package dev.tessera.grid.core.owner;

import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.ProcessedEntry;
import dev.tessera.grid.core.serialization.KryoCodec;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a {@link KeyProcessor} sent with an EXECUTE_ON_KEY operation on one entry, inside the key's
 * atomic update at its primary. Never throws: a processor that cannot be read or that fails leaves the
 * entry unchanged and becomes the operation's error.
 */
final class KeyProcessing {
    private final KryoCodec codec;

    KeyProcessing(KryoCodec codec) {
        this.codec = codec;
    }

    /**
     * @param changed  whether the entry changes; then {@code newValue} is its value ({@code null}: removed)
     * @param result   the processor's serialized result, or {@code null}
     * @param error    why the processor did not run or failed, or {@code null}
     * @param ttlMillis the new value's time-to-live, or 0 for the map's
     */
    record Outcome(boolean changed, byte[] newValue, byte[] result, String error, long ttlMillis) {}

    Outcome run(byte[] key, byte[] current, byte[] processorBytes) {
        Object processor;
        try {
            processor = codec.deserialize(processorBytes);
        } catch (RuntimeException e) {
            return failed("the processor cannot be read on this member (register its class on every member): " + e.getMessage());
        }
        if (!(processor instanceof KeyProcessor<?, ?, ?> p)) {
            return failed("not a KeyProcessor: " + (processor == null ? null : processor.getClass().getName()));
        }
        try {
            Entry entry = new Entry(key, current);
            @SuppressWarnings("unchecked")
            Object result = ((KeyProcessor<Object, Object, Object>) p).process(entry);
            byte[] resultBytes = result == null ? null : codec.serialize(result);
            if (!entry.changed) {
                return new Outcome(false, null, resultBytes, null, 0);
            }
            byte[] next = entry.value == null ? null : codec.serialize(entry.value);
            return new Outcome(current != null || next != null, next, resultBytes, null, next == null ? 0 : entry.ttlMillis);
        } catch (RuntimeException e) {
            return failed("the processor " + p.getClass().getName() + " failed: " + e);
        }
    }

    private static Outcome failed(String why) {
        return new Outcome(false, null, null, why, 0);
    }

    /** The processor's view of the entry; values are deserialized on first use. */
    private final class Entry implements ProcessedEntry<Object, Object> {
        private final byte[] keyBytes;
        private final byte[] currentBytes;
        private Object key;
        private Object value;
        private boolean read;
        boolean changed;
        long ttlMillis;

        Entry(byte[] keyBytes, byte[] currentBytes) {
            this.keyBytes = keyBytes;
            this.currentBytes = currentBytes;
        }

        @Override
        public Object key() {
            if (key == null) {
                key = codec.deserialize(keyBytes);
            }
            return key;
        }

        @Override
        public Object value() {
            if (!read && !changed) {
                value = currentBytes == null ? null : codec.deserialize(currentBytes);
                read = true;
            }
            return value;
        }

        @Override
        public boolean exists() {
            return value() != null;
        }

        @Override
        public void setValue(Object v) {
            value = Objects.requireNonNull(v, "value: use remove() to remove the entry");
            changed = true;
            ttlMillis = 0;
        }

        @Override
        public void setValue(Object v, Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.toMillis() < 1) {
                throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
            }
            setValue(v);
            ttlMillis = ttl.toMillis();
        }

        @Override
        public void remove() {
            value = null;
            changed = true;
        }
    }
}
