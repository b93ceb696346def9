package dev.tessera.grid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.LoadOptions;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStore;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.Registration;
import dev.tessera.grid.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The README's caching example, verbatim but for the assertions and the in-process transport. */
class ReadmeCachingExampleTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadmeCachingExampleTest.class);

    public record Quote(String symbol, long cents) {}

    /** Stands in for the application's database. */
    static final class QuoteTable implements MapStore<String, Quote> {
        final Map<String, Quote> rows = new ConcurrentHashMap<>();

        @Override
        public Quote load(String key) {
            return rows.get(key);
        }

        @Override
        public void store(String key, Quote value) {
            rows.put(key, value);
        }

        @Override
        public void delete(String key) {
            rows.remove(key);
        }
    }

    @Test
    void readmeCachingExample_runsAsWritten() {
        QuoteTable quotesTable = new QuoteTable();
        AtomicInteger fetches = new AtomicInteger();
        List<String> seen = new CopyOnWriteArrayList<>();
        java.util.function.Function<String, Quote> fetchQuote = s -> {
            fetches.incrementAndGet();
            return new Quote(s, 18_950);
        };
        // --- README example start ---
        try (Grid grid = Grid.builder()
                .transport(Transport.inProcess())                            // (README: the default TCP transport)
                .registerType(Quote.class)
                .mapStore("quotes-db", quotesTable)                          // a MapStore<String, Quote>, on every member
                .start()) {
            GridMap<String, Quote> quotes = grid.map("quotes", MapConfig.builder()
                    .timeToLive(Duration.ofMinutes(5))                       // per map; put(k, v, ttl) per entry
                    .maxIdle(Duration.ofMinutes(1))
                    .eviction(EvictionConfig.maxEntries(100_000))            // per member; sampled LFU (or LRU, or maxBytes)
                    .nearCache(NearCacheConfig.of(10_000))                   // hot remote keys, invalidated by their owner
                    .mapStore(MapStoreConfig.writeBehind("quotes-db", Duration.ofSeconds(1)))
                    .build());

            // one load per key across the whole cluster, however many callers miss at once;
            // refreshed early (XFetch, beta 1) and served stale for up to 10 s while one caller reloads
            Quote q = quotes.getOrLoad("ACME", new LoadOptions(Duration.ofSeconds(30), 1.0, Duration.ofSeconds(10)), fetchQuote);

            Registration r = quotes.addEntryListener(e -> seen.add(e.type() + " " + e.key()), false);
            quotes.put("INIT", new Quote("INIT", 100), Duration.ofSeconds(2));  // expires after 2 s: EXPIRED event
            // --- README example end ---
            assertThat(q).isEqualTo(new Quote("ACME", 18_950));
            assertThat(quotes.getOrLoad("ACME", fetchQuote)).isEqualTo(q);
            assertThat(fetches).hasValue(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(seen)
                    .contains(EntryEventType.ADDED + " INIT", EntryEventType.EXPIRED + " INIT"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(quotesTable.rows)
                    .as("write-behind stored the put, and expiry did not delete it").containsKey("INIT"));
            assertThat(quotes.get("INIT")).as("read through from the store after expiry").isEqualTo(new Quote("INIT", 100));
            r.close();
            log.info("events seen: {}", seen);
        }
    }
}
