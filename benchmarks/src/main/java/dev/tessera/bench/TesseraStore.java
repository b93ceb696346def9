package dev.tessera.bench;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection.PartitionTableView;
import dev.tessera.grid.GridIntrospection.PartitionView;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.ProcessedEntry;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipEvent;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.GridIntrospection.NearCacheStats;
import dev.tessera.grid.Transport;
import dev.tessera.grid.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tessera member {@code m<index>} on 127.0.0.1:{@code basePort + index - 1}; the map {@code bench}
 * with {@code backups} sync backups and, for W3, Tessera's near cache of 100,000 entries without TTL
 * (it caches remote keys only, holds deserialized values and is invalidated by the primary on change:
 * the settings WORKLOAD.md asks of Hazelcast's).
 */
public final class TesseraStore implements Store, ClusterProbe, HotKey.HotKeyStore {
    private final Grid grid;
    private final GridMap<String, byte[]> map;
    /** The hot-key benchmark's counter map (1 sync backup). */
    private final GridMap<String, Long> hot;
    private final boolean readFromBackup;
    private final int backups;
    private final boolean nearCache;
    private final String security;

    /**
     * @param index   1-based member index
     * @param members how many members the cluster will have (the static member list)
     */
    public TesseraStore(int index, int members, int backups, boolean nearCache, int basePort) {
        this(index, members, backups, nearCache, basePort, System.getProperty("tessera.security", "none"));
    }

    /** @param security {@code none}, {@code secret} (a shared secret) or {@code tls} (mutual TLS, one test certificate) */
    public TesseraStore(int index, int members, int backups, boolean nearCache, int basePort, String security) {
        this(index, members, backups, nearCache, basePort, security, false);
    }

    /**
     * @param readFromBackup serve a get from this member's backup copy where it has one (the store
     *                       {@code tessera-rfb}: reads like Infinispan's, which answers from any owner)
     */
    public TesseraStore(int index, int members, int backups, boolean nearCache, int basePort, String security,
                        boolean readFromBackup) {
        List<String> initial = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            initial.add("127.0.0.1[" + (basePort + i) + "]");
        }
        this.backups = backups;
        this.grid = Grid.builder()
                .clusterName("bench")
                .memberName("m" + index)
                .transport(Transport.tcp(basePort + index - 1).withPortRange(0).withInitialMembers(initial))
                .security(BenchSecurity.of(security))
                .registerType(Increment.class)
                .start();
        this.readFromBackup = readFromBackup;
        this.security = security;
        MapConfig.Builder config = MapConfig.builder().backups(backups).readFromBackup(readFromBackup);
        if (nearCache) {
            config.nearCache(NearCacheConfig.of(100_000));
        }
        this.nearCache = nearCache;
        this.map = grid.map("bench", config.build());
        this.hot = grid.map("hot", MapConfig.builder().backups(1).build());
    }

    @Override
    public String kind() {
        return ("none".equals(security) ? "tessera" : "tessera-" + security) + (readFromBackup ? "-rfb" : "");
    }

    @Override
    public byte[] get(String key) {
        return map.get(key);
    }

    @Override
    public void set(String key, byte[] value) {
        map.set(key, value);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastStamp = Long.MIN_VALUE;
        long stableSince = 0;
        while (true) {
            long stamp = stateStamp();
            boolean ok = isRedundant();
            long now = System.nanoTime();
            if (!ok || stamp != lastStamp || stableSince == 0) {
                stableSince = ok ? now : 0;
                lastStamp = stamp;
            } else if (now - stableSince >= 500_000_000L) {
                return;
            }
            if (now - deadline > 0) {
                throw new IllegalStateException("Tessera: no stable, fully redundant table within " + timeout
                        + " (migrations: " + grid.introspection().migrations().size() + ")");
            }
            Util.sleep(20);
        }
    }

    private boolean isRedundant() {
        if (migrating()) {
            return false;
        }
        PartitionTableView t = grid.introspection().partitionTable();
        Set<Member> members = new HashSet<>(grid.members());
        Set<Member> primaries = new HashSet<>();
        int needBackups = Math.min(backups, members.size() - 1);
        for (PartitionView p : t.partitions()) {
            if (p.primary() == null || !members.contains(p.primary()) || p.backups().size() < needBackups) {
                return false;
            }
            for (int b = 0; b < needBackups; b++) {
                if (!members.contains(p.backups().get(b))) {
                    return false;
                }
            }
            primaries.add(p.primary());
        }
        return primaries.containsAll(members) || members.size() > t.partitions().size();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        if (nearCache) {
            NearCacheStats ncs = grid.introspection().nearCacheStats().get("bench");
            if (ncs != null) {
                c.put("nearcache.hits", ncs.hits());
                c.put("nearcache.misses", ncs.misses());
            }
        }
        c.put("tessera.requestsSent", grid.introspection().operationStats().messagesSent());
        return c;
    }

    // ---- hot key ----

    /** Adds one at the key's primary ({@link GridMap#executeOnKey}); registered on every member. */
    public static final class Increment implements KeyProcessor<String, Long, Long> {
        @Override
        public Long process(ProcessedEntry<String, Long> entry) {
            long next = entry.value() == null ? 1 : entry.value() + 1;
            entry.setValue(next);
            return next;
        }
    }

    @Override
    public List<String> hotVariants() {
        return List.of("executeOnKey", "compute");
    }

    @Override
    public void hotReset(String key) {
        hot.set(key, 0L);
    }

    @Override
    public long hotValue(String key) {
        Long v = hot.get(key);
        return v == null ? 0 : v;
    }

    @Override
    public HotKey.Incrementer incrementer(String variant, String key) {
        return switch (variant) {
            case "executeOnKey" -> {
                Increment increment = new Increment();
                yield () -> {
                    hot.executeOnKey(key, increment);
                    return 1;
                };
            }
            // compute's function runs once per attempt (read at the primary, CAS back): its calls count the retries
            case "compute" -> new HotKey.Incrementer() {
                private int calls;
                private final java.util.function.BiFunction<String, Long, Long> plusOne = (k, v) -> {
                    calls++;
                    return v == null ? 1L : v + 1;
                };

                @Override
                public int increment() {
                    calls = 0;
                    hot.compute(key, plusOne);
                    return calls;
                }
            };
            default -> throw new IllegalArgumentException("Tessera has no hot-key variant " + variant + " (" + hotVariants() + ")");
        };
    }

    // ---- ClusterProbe ----

    @Override
    public int partitionCount() {
        return grid.introspection().partitionTable().partitions().size();
    }

    @Override
    public int partitionOf(String key) {
        return map.partitionOf(key);
    }

    @Override
    public List<String> memberNames() {
        List<String> out = new ArrayList<>();
        for (Member m : grid.members()) {
            out.add(m.name());
        }
        return out;
    }

    @Override
    public String[][] replicas(int backupCount) {
        List<PartitionView> parts = grid.introspection().partitionTable().partitions();
        String[][] out = new String[parts.size()][1 + backupCount];
        for (PartitionView p : parts) {
            out[p.partition()][0] = p.primary() == null ? null : p.primary().name();
            for (int b = 0; b < backupCount && b < p.backups().size(); b++) {
                out[p.partition()][1 + b] = p.backups().get(b).name();
            }
        }
        return out;
    }

    @Override
    public boolean migrating() {
        return !grid.introspection().migrations().isEmpty();
    }

    @Override
    public int pendingMigrations() {
        return grid.introspection().migrations().size();
    }

    @Override
    public boolean replicasInSync() {
        // A Tessera table commits a migration target only after its data was copied, and writes are
        // acknowledged after every sync backup applied them: no migration pending = replicas in sync.
        return !migrating();
    }

    @Override
    public long stateStamp() {
        return grid.introspection().partitionTable().version();
    }

    @Override
    public long migrationEvents() {
        return 0;
    }

    @Override
    public void onMemberJoined(Consumer<String> listener) {
        grid.addMembershipListener(e -> {
            if (e.type() == MembershipEvent.Type.JOINED) {
                listener.accept(e.member().name());
            }
        });
    }

    @Override
    public void close() {
        grid.close();
    }
}
