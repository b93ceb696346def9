package dev.tessera.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The reference: a plain {@code ConcurrentHashMap<String, byte[]>}, the driver's own ceiling. */
public final class ChmStore implements Store {
    private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

    @Override
    public String kind() {
        return "chm";
    }

    @Override
    public byte[] get(String key) {
        return map.get(key);
    }

    @Override
    public void set(String key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public void putAll(Map<String, byte[]> batch) {
        map.putAll(batch);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public void awaitRedundancy(Duration timeout) {
    }

    @Override
    public void close() {
        map.clear();
    }
}
