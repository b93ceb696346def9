package dev.tessera.bench;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.NearCacheConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.partition.InternalPartition;
import com.hazelcast.internal.partition.InternalPartitionService;
import com.hazelcast.internal.partition.PartitionReplica;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import com.hazelcast.nearcache.NearCacheStats;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.ReplicaMigrationEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Hazelcast member (5.6.0, or 5.7.0 as the store {@code hazelcast57}) {@code m<index>} on 127.0.0.1:{@code basePort + index - 1}, configured as
 * WORKLOAD.md says: 271 partitions, TCP-IP join with the 127.0.0.1 members, interface 127.0.0.1,
 * bind-any off, phone-home off (system property and config), multicast and auto-detection off, Jet
 * off, logging through SLF4J at WARN; map {@code bench} in BINARY format with {@code backups} sync
 * backups and, for W3, a near cache (OBJECT, invalidate on change, local entries not cached, 100,000
 * entries, no TTL).
 */
public final class HazelcastStore implements Store, ClusterProbe, HotKey.HotKeyStore {
    static final String NAME_ATTRIBUTE = "bench.name";

    private final HazelcastInstance hz;
    private final IMap<String, byte[]> map;
    private final boolean nearCache;
    private final String kind;
    private final AtomicLong migrationEvents = new AtomicLong();

    public HazelcastStore(int index, int members, int backups, boolean nearCache, int basePort) {
        this("hazelcast", "5.6.0", index, members, backups, nearCache, basePort);
    }

    /**
     * @param kind    the store's name in the results ("hazelcast", "hazelcast57")
     * @param version the Hazelcast version this store must run: a class path mix-up fails here, not in the figures
     */
    public HazelcastStore(String kind, String version, int index, int members, int backups, boolean nearCache, int basePort) {
        String running = com.hazelcast.instance.BuildInfoProvider.getBuildInfo().getVersion();
        if (!running.equals(version)) {
            throw new IllegalStateException("store " + kind + " expects Hazelcast " + version + " but the class path has "
                    + running + " (see Jvm.classPathFor)");
        }
        this.kind = kind;
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "slf4j");
        this.nearCache = nearCache;
        Config c = new Config();
        c.setClusterName("bench");
        c.setInstanceName("m" + index);
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.getJetConfig().setEnabled(false);
        c.getMemberAttributeConfig().setAttribute(NAME_ATTRIBUTE, "m" + index);
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(basePort + index - 1).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        join.getDiscoveryConfig().getDiscoveryStrategyConfigs().clear();
        List<String> memberList = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            memberList.add("127.0.0.1:" + (basePort + i));
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(memberList);
        MapConfig mc = new MapConfig("bench")
                .setInMemoryFormat(InMemoryFormat.BINARY)
                .setBackupCount(backups)
                .setAsyncBackupCount(0);
        if (nearCache) {
            NearCacheConfig ncc = new NearCacheConfig("bench")
                    .setInMemoryFormat(InMemoryFormat.OBJECT)
                    .setInvalidateOnChange(true)
                    .setCacheLocalEntries(false)
                    .setTimeToLiveSeconds(0)
                    .setMaxIdleSeconds(0)
                    .setEvictionConfig(new EvictionConfig()
                            .setMaxSizePolicy(MaxSizePolicy.ENTRY_COUNT)
                            .setSize(100_000)
                            .setEvictionPolicy(EvictionPolicy.LRU));
            mc.setNearCacheConfig(ncc);
        }
        c.addMapConfig(mc);
        c.addMapConfig(new MapConfig("hot").setInMemoryFormat(InMemoryFormat.BINARY).setBackupCount(1).setAsyncBackupCount(0));
        this.hz = Hazelcast.newHazelcastInstance(c);
        this.map = hz.getMap("bench");
        hz.getPartitionService().addMigrationListener(new MigrationListener() {
            @Override
            public void migrationStarted(MigrationState state) {
                migrationEvents.incrementAndGet();
            }

            @Override
            public void migrationFinished(MigrationState state) {
                migrationEvents.incrementAndGet();
            }

            @Override
            public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                migrationEvents.incrementAndGet();
            }

            @Override
            public void replicaMigrationFailed(ReplicaMigrationEvent event) {
                migrationEvents.incrementAndGet();
            }
        });
    }

    @Override
    public String kind() {
        return kind;
    }

    /** The member itself (for benchmarks of maps other than {@code bench}). */
    public HazelcastInstance instance() {
        return hz;
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
        long lastEvents = -1;
        long stableSince = 0;
        while (true) {
            long stamp = stateStamp();
            long events = migrationEvents.get();
            boolean ok = !migrating() && everyMemberOwnsPartitions() && replicasInSync();
            long now = System.nanoTime();
            if (!ok || stamp != lastStamp || events != lastEvents || stableSince == 0) {
                stableSince = ok ? now : 0;
                lastStamp = stamp;
                lastEvents = events;
            } else if (now - stableSince >= 500_000_000L) {
                return;
            }
            if (now - deadline > 0) {
                throw new IllegalStateException("Hazelcast: cluster not safe within " + timeout);
            }
            Util.sleep(20);
        }
    }

    private boolean everyMemberOwnsPartitions() {
        Set<UUID> owners = new HashSet<>();
        InternalPartitionService ps = internal();
        for (int p = 0; p < ps.getPartitionCount(); p++) {
            PartitionReplica r = ps.getPartition(p).getOwnerReplicaOrNull();
            if (r == null) {
                return false;
            }
            owners.add(r.uuid());
        }
        for (Member m : hz.getCluster().getMembers()) {
            if (!owners.contains(m.getUuid())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        if (nearCache) {
            LocalMapStats stats = map.getLocalMapStats();
            NearCacheStats ncs = stats.getNearCacheStats();
            if (ncs != null) {
                c.put("nearcache.hits", ncs.getHits());
                c.put("nearcache.misses", ncs.getMisses());
            }
        }
        return c;
    }

    // ---- hot key ----

    /** Adds one on the key's owner (and, as its own backup processor, on the backup). */
    public static final class Increment implements EntryProcessor<String, Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long process(Map.Entry<String, Long> entry) {
            long next = entry.getValue() == null ? 1 : entry.getValue() + 1;
            entry.setValue(next);
            return next;
        }
    }

    @Override
    public List<String> hotVariants() {
        return List.of("executeOnKey");
    }

    @Override
    public void hotReset(String key) {
        hz.<String, Long>getMap("hot").set(key, 0L);
    }

    @Override
    public long hotValue(String key) {
        Long v = hz.<String, Long>getMap("hot").get(key);
        return v == null ? 0 : v;
    }

    @Override
    public HotKey.Incrementer incrementer(String variant, String key) {
        if (!variant.equals("executeOnKey")) {
            throw new IllegalArgumentException("Hazelcast hot-key variant is executeOnKey, not " + variant);
        }
        IMap<String, Long> hot = hz.getMap("hot");
        Increment increment = new Increment();
        return () -> {
            hot.executeOnKey(key, increment);
            return 1;
        };
    }

    private InternalPartitionService internal() {
        return ((HazelcastInstanceProxy) hz).getOriginal().node.getPartitionService();
    }

    // ---- ClusterProbe ----

    @Override
    public int partitionCount() {
        return hz.getPartitionService().getPartitions().size();
    }

    @Override
    public int partitionOf(String key) {
        return hz.getPartitionService().getPartition(key).getPartitionId();
    }

    @Override
    public List<String> memberNames() {
        List<String> out = new ArrayList<>();
        for (Member m : hz.getCluster().getMembers()) {
            out.add(m.getAttribute(NAME_ATTRIBUTE));
        }
        return out;
    }

    @Override
    public String[][] replicas(int backups) {
        Map<UUID, String> names = new HashMap<>();
        for (Member m : hz.getCluster().getMembers()) {
            names.put(m.getUuid(), m.getAttribute(NAME_ATTRIBUTE));
        }
        InternalPartitionService ps = internal();
        String[][] out = new String[ps.getPartitionCount()][1 + backups];
        for (int p = 0; p < out.length; p++) {
            InternalPartition part = ps.getPartition(p);
            for (int i = 0; i <= backups; i++) {
                PartitionReplica r = part.getReplica(i);
                out[p][i] = r == null ? null : names.getOrDefault(r.uuid(), r.toString());
            }
        }
        return out;
    }

    @Override
    public boolean migrating() {
        InternalPartitionService ps = internal();
        return ps.hasOnGoingMigration() || ps.getMigrationQueueSize() > 0;
    }

    @Override
    public int pendingMigrations() {
        InternalPartitionService ps = internal();
        return (int) ps.getMigrationQueueSize() + (ps.hasOnGoingMigrationLocal() ? 1 : 0);
    }

    @Override
    public boolean replicasInSync() {
        return hz.getPartitionService().isClusterSafe();
    }

    @Override
    public long stateStamp() {
        return internal().getPartitionStateStamp();
    }

    @Override
    public long migrationEvents() {
        return migrationEvents.get();
    }

    @Override
    public void onMemberJoined(Consumer<String> listener) {
        hz.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                listener.accept(e.getMember().getAttribute(NAME_ATTRIBUTE));
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
            }
        });
    }

    @Override
    public void close() {
        hz.getLifecycleService().terminate();
    }
}
