package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.GridException;
import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.Bytes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A map's {@link MapStore}, called with the grid's serialized keys and values: deserializes on the way
 * in, serializes on the way out, and turns the store's exceptions into grid exceptions naming it.
 */
final class BoundStore {
    private final String storeName;
    private final String mapName;
    private final MapStore<Object, Object> store;
    private final KryoCodec codec;
    private final LongAdder loads = new LongAdder();
    private final LongAdder failures = new LongAdder();

    @SuppressWarnings("unchecked")
    BoundStore(String storeName, String mapName, MapStore<?, ?> store, KryoCodec codec) {
        this.storeName = storeName;
        this.mapName = mapName;
        this.store = (MapStore<Object, Object>) store;
        this.codec = codec;
    }

    String storeName() {
        return storeName;
    }

    /** The stored value of {@code key}, serialized, or {@code null}. */
    byte[] load(byte[] key) {
        Object value;
        loads.increment();
        try {
            value = store.load(codec.deserialize(key));
        } catch (RuntimeException e) {
            failures.increment();
            throw new GridLoadException("load failed: " + describe(e), e);
        }
        return value == null ? null : codec.serialize(value);
    }

    void store(byte[] key, byte[] value) {
        Object k = codec.deserialize(key);
        Object v = codec.deserialize(value);
        call(() -> store.store(k, v), "store");
    }

    void delete(byte[] key) {
        Object k = codec.deserialize(key);
        call(() -> store.delete(k), "delete");
    }

    void storeAll(Map<Bytes, byte[]> entries) {
        Map<Object, Object> batch = new LinkedHashMap<>();
        entries.forEach((k, v) -> batch.put(codec.deserialize(k.array()), codec.deserialize(v)));
        call(() -> store.storeAll(batch), "storeAll");
    }

    void deleteAll(Collection<Bytes> keys) {
        List<Object> batch = new ArrayList<>(keys.size());
        keys.forEach(k -> batch.add(codec.deserialize(k.array())));
        call(() -> store.deleteAll(batch), "deleteAll");
    }

    private void call(Runnable call, String what) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failures.increment();
            throw new GridException("MapStore '" + storeName + "' " + what + " failed for map '" + mapName + "': " + e.getMessage(), e);
        }
    }

    /** Calls of {@link MapStore#load} made through this binding. */
    long loads() {
        return loads.sum();
    }

    /** Store calls through this binding that threw. */
    long failures() {
        return failures.sum();
    }

    private String describe(RuntimeException e) {
        return "MapStore '" + storeName + "' (map '" + mapName + "'): " + e.getClass().getName() + ": " + e.getMessage();
    }
}
