package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.MapStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MapStore over a table of an embedded H2 database (in memory, one per instance), counting the
 * calls it gets; {@link #failing} makes every call throw, as an unreachable database would.
 */
final class H2Store implements MapStore<String, String> {
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger stores = new AtomicInteger();
    final AtomicInteger storeAllCalls = new AtomicInteger();
    final AtomicInteger storedEntries = new AtomicInteger();
    final AtomicInteger largestBatch = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger failedCalls = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    /** Simulated latency of a load, so that concurrent misses overlap. */
    volatile long loadMillis;
    private final String url = "jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    H2Store() {
        update("CREATE TABLE kv (k VARCHAR(200) PRIMARY KEY, v VARCHAR(2000) NOT NULL)");
    }

    @Override
    public String load(String key) {
        loads.incrementAndGet();
        failIfAsked();
        if (loadMillis > 0) {
            try {
                Thread.sleep(loadMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return row(key);
    }

    @Override
    public void store(String key, String value) {
        stores.incrementAndGet();
        failIfAsked();
        update("MERGE INTO kv (k, v) KEY (k) VALUES (?, ?)", key, value);
    }

    @Override
    public void storeAll(Map<String, String> entries) {
        storeAllCalls.incrementAndGet();
        failIfAsked();
        largestBatch.accumulateAndGet(entries.size(), Math::max);
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("MERGE INTO kv (k, v) KEY (k) VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                s.setString(1, e.getKey());
                s.setString(2, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        storedEntries.addAndGet(entries.size());
    }

    @Override
    public void delete(String key) {
        deletes.incrementAndGet();
        failIfAsked();
        update("DELETE FROM kv WHERE k = ?", key);
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(this::delete);
    }

    /** Writes a row directly, as another application would. */
    void insert(String key, String value) {
        update("MERGE INTO kv (k, v) KEY (k) VALUES (?, ?)", key, value);
    }

    String row(String key) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, String> rows() {
        Map<String, String> out = new HashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT k, v FROM kv")) {
            while (r.next()) {
                out.put(r.getString(1), r.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private void failIfAsked() {
        if (failing.get()) {
            failedCalls.incrementAndGet();
            throw new IllegalStateException("database unreachable (injected)");
        }
    }

    private void update(String sql, String... args) {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }
}
