package dev.tessera.grid.core.map;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Scans (one request stream per member, {@link ClusterScan}) while partitions move: every key written before
 * the scan and not removed is seen exactly once, whatever moves meanwhile, and no key is seen twice, also
 * keys written during the scan, and each member's partitions come in several pages. Each scan pauses after its first page until a new table is applied, so the
 * scans provably straddle ownership changes.
 */
class ScanDuringMigrationTest {
    private static final int KEYS = 30_000;
    /** 30,000 x 200 B: 1.5-2 MiB per member, so every member answers in more than one page (1 MiB). */
    private static final int VALUE_BYTES = 200;

    @Test
    void scansWhileAMemberJoins_seeEveryKeyExactlyOnce() {
        runWhile(3, cluster -> {
            cluster.addMember();
            cluster.awaitStable();
        });
    }

    @Test
    void scansWhileAMemberLeaves_seeEveryKeyExactlyOnce() {
        runWhile(4, cluster -> {
            cluster.leave(2);
            cluster.awaitStable();
        });
    }

    @Test
    void scansWhileAMemberCrashes_seeEveryKeyExactlyOnce() {
        runWhile(4, cluster -> {
            cluster.crash(3);
            cluster.awaitStable();
        });
    }

    private static void runWhile(int members, Consumer<TestCluster> change) {
        try (TestCluster cluster = TestCluster.start(members)) {
            TesseraGrid scanner = cluster.member(0);
            GridMap<String, byte[]> map = scanner.map("scanned", MapConfig.builder().backups(1).build());
            Map<String, byte[]> batch = new HashMap<>();
            for (int i = 0; i < KEYS; i++) {
                batch.put("key-" + i, new byte[VALUE_BYTES]);
                if (batch.size() == 1_000) {
                    map.putAll(batch);
                    batch.clear();
                }
            }
            assertThat(map.size()).isEqualTo(KEYS);

            AtomicBoolean changing = new AtomicBoolean(true);
            List<Scan> scans = new ArrayList<>();
            CompletableFuture<Void> scanning = CompletableFuture.runAsync(() -> {
                while (changing.get()) {
                    scans.add(scan(scanner, map, changing));
                }
                scans.add(scan(scanner, map, changing)); // and one on the settled table
            });
            GridMap<String, byte[]> writer = cluster.member(1).map("scanned");
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                for (int i = 0; changing.get(); i++) {
                    writer.set("new-" + i, new byte[10]);
                }
            });
            try {
                change.accept(cluster);
            } finally {
                changing.set(false);
            }
            writing.join();
            scanning.join();

            assertThat(scans).as("scans").hasSizeGreaterThanOrEqualTo(2);
            long straddling = scans.stream().filter(s -> s.tableAtEnd > s.tableAtStart).count();
            assertThat(straddling).as("scans during which a table was applied").isGreaterThanOrEqualTo(1);
            for (Scan s : scans) {
                List<String> missing = new ArrayList<>();
                List<String> twice = new ArrayList<>();
                for (int i = 0; i < KEYS; i++) {
                    Integer n = s.seen.get("key-" + i);
                    if (n == null) {
                        missing.add("key-" + i);
                    }
                }
                s.seen.forEach((k, n) -> {
                    if (n > 1) {
                        twice.add(k);
                    }
                });
                assertThat(missing).as("keys written before the scan and not seen (scan over tables %d..%d)",
                        s.tableAtStart, s.tableAtEnd).isEmpty();
                assertThat(twice).as("keys seen more than once (scan over tables %d..%d)", s.tableAtStart, s.tableAtEnd)
                        .isEmpty();
            }
        }
    }

    private record Scan(long tableAtStart, long tableAtEnd, Map<String, Integer> seen) {}

    private static Scan scan(TesseraGrid scanner, GridMap<String, byte[]> map, AtomicBoolean changing) {
        long start = scanner.topology().table().version();
        Map<String, Integer> seen = new HashMap<>(2 * KEYS);
        int n = 0;
        for (String k : map.keySet()) {
            seen.merge(k, 1, Integer::sum);
            if (++n == 100 && changing.get()) {
                awaitNextTable(scanner, start);
            }
        }
        return new Scan(start, scanner.topology().table().version(), seen);
    }

    /** Until a table newer than {@code version} is applied, at most 2 s: the rest of the scan crosses it. */
    private static void awaitNextTable(TesseraGrid g, long version) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (g.topology().table().version() == version && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
