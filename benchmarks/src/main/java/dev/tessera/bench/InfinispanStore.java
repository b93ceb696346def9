package dev.tessera.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.infinispan.AdvancedCache;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.context.Flag;
import org.infinispan.distribution.DistributionManager;
import org.infinispan.distribution.LocalizedCacheTopology;
import org.infinispan.distribution.ch.ConsistentHash;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.infinispan.configuration.parsing.ParserRegistry;

/**
 * Infinispan 16 embedded member {@code m<index>} on 127.0.0.1:{@code basePort + index - 1} (issue 17's anchor):
 * Infinispan's own default TCP stack ({@code default-jgroups-tcp.xml}: TCP, MERGE3, FD_SOCK2, FD_ALL3, NAKACK2,
 * UNICAST3, UFC/MFC, FRAG4) with discovery by TCPPING over the static 127.0.0.1 member list instead of its
 * multicast MPING, diagnostics off; JGroups is the one Infinispan brings (5.5.1), on a class path of its own
 * ({@link Jvm#classPathFor}). Cache {@code bench}: {@code DIST_SYNC} with {@code backups + 1} owners, String keys
 * and {@code byte[]} values kept as objects (Infinispan's embedded default; Tessera and Hazelcast keep bytes),
 * statistics off; for W3 its L1 cache (its near cache for distributed caches: remote entries read here, invalidated
 * by the owners on change; no size bound, 10 min lifespan, so no TTL within a run; its hits are counted by a peek
 * at the local container before each get of a key this member does not own).
 *
 * <p>Reads go to any owner: with 2 owners on 3 members about two thirds of the gets are local, against one third
 * for Tessera and Hazelcast (compare with {@code tessera-rfb}). Blind writes use {@code IGNORE_RETURN_VALUES}.
 */
public final class InfinispanStore implements Store, ClusterProbe {
    private final DefaultCacheManager manager;
    private final Cache<String, byte[]> cache;
    /** Puts without fetching the previous value: the blind write of WORKLOAD.md. */
    private final AdvancedCache<String, byte[]> blind;
    private final int members;
    /** W3 only: L1 hits and misses among gets of keys this member does not own (see {@link #get}). */
    private final java.util.concurrent.atomic.LongAdder l1Hits;
    private final java.util.concurrent.atomic.LongAdder l1Misses;
    private final org.infinispan.container.DataContainer<String, byte[]> container;

    public InfinispanStore(int index, int members, int backups, boolean l1, int basePort) {
        this.members = members;
        StringBuilder hosts = new StringBuilder();
        for (int i = 0; i < members; i++) {
            hosts.append(i == 0 ? "" : ",").append("127.0.0.1[").append(basePort + i).append(']');
        }
        String xml = """
                <infinispan>
                  <jgroups>
                    <stack name="bench-tcp" extends="tcp">
                      <TCP bind_addr="127.0.0.1" bind_port="%d" port_range="0" diag.enabled="false" stack.combine="COMBINE"/>
                      <TCPPING initial_hosts="%s" port_range="0" stack.combine="REPLACE" stack.position="MPING"/>
                    </stack>
                  </jgroups>
                  <cache-container>
                    <transport cluster="bench" node-name="m%d" stack="bench-tcp"/>
                  </cache-container>
                </infinispan>
                """.formatted(basePort + index - 1, hosts, index);
        manager = new DefaultCacheManager(new ParserRegistry().parse(xml), true);
        ConfigurationBuilder c = new ConfigurationBuilder();
        c.clustering().cacheMode(CacheMode.DIST_SYNC).hash().numOwners(backups + 1);
        if (l1) {
            c.clustering().l1().enable().lifespan(10, TimeUnit.MINUTES);
        }
        c.statistics().disable();
        manager.defineConfiguration("bench", c.build());
        cache = manager.getCache("bench");
        blind = cache.getAdvancedCache().withFlags(Flag.IGNORE_RETURN_VALUES);
        l1Hits = l1 ? new java.util.concurrent.atomic.LongAdder() : null;
        l1Misses = l1 ? new java.util.concurrent.atomic.LongAdder() : null;
        container = cache.getAdvancedCache().getDataContainer();
        // which JGroups and which stack this member runs: the proof that it is Infinispan's own, without multicast
        org.jgroups.JChannel ch = ((org.infinispan.remoting.transport.jgroups.JGroupsTransport) org.infinispan.factories.GlobalComponentRegistry
                .componentOf(manager, org.infinispan.remoting.transport.Transport.class)).getChannel();
        Bench.log("infinispan " + org.infinispan.commons.util.Version.getVersion() + " on JGroups " + org.jgroups.Version.printVersion()
                + ": " + ch.getProtocolStack().printProtocolSpecAsPlainString().replace('\n', ' '));
    }

    @Override
    public String kind() {
        return "infinispan";
    }

    @Override
    public byte[] get(String key) {
        if (l1Hits != null && !topology().isReadOwner(key)) {
            // Infinispan counts no L1 hits of its own: an L1 entry present before the get is a hit. A peek at the
            // local data container (a hash lookup) per get of a remote key, in W3 only.
            org.infinispan.container.entries.InternalCacheEntry<String, byte[]> e = container.peek(key);
            (e != null && e.isL1Entry() ? l1Hits : l1Misses).increment();
        }
        return cache.get(key);
    }

    @Override
    public Map<String, Long> counters() {
        return l1Hits == null ? Map.of() : Map.of("nearcache.hits", l1Hits.sum(), "nearcache.misses", l1Misses.sum());
    }

    @Override
    public void set(String key, byte[] value) {
        blind.put(key, value);
    }

    @Override
    public void putAll(Map<String, byte[]> batch) {
        blind.putAll(batch);
    }

    @Override
    public int size() {
        return cache.size();
    }

    @Override
    public void awaitRedundancy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastStamp = Long.MIN_VALUE;
        long stableSince = 0;
        while (true) {
            long stamp = stateStamp();
            boolean ok = !migrating() && topology().getMembers().size() == manager.getMembers().size()
                    && topology().getMembers().size() >= Math.min(members, manager.getMembers().size());
            long now = System.nanoTime();
            if (!ok || stamp != lastStamp || stableSince == 0) {
                stableSince = ok ? now : 0;
                lastStamp = stamp;
            } else if (now - stableSince >= 500_000_000L) {
                return;
            }
            if (now - deadline > 0) {
                throw new IllegalStateException("Infinispan: no stable topology within " + timeout);
            }
            Util.sleep(20);
        }
    }

    private DistributionManager dm() {
        return cache.getAdvancedCache().getDistributionManager();
    }

    private LocalizedCacheTopology topology() {
        return dm().getCacheTopology();
    }

    // ---- ClusterProbe: Infinispan's segments stand for partitions ----

    @Override
    public int partitionCount() {
        return topology().getNumSegments();
    }

    @Override
    public int partitionOf(String key) {
        return topology().getSegment(key);
    }

    @Override
    public List<String> memberNames() {
        List<String> out = new ArrayList<>();
        for (Address a : manager.getMembers()) {
            out.add(a.toString());
        }
        return out;
    }

    @Override
    public String[][] replicas(int backups) {
        ConsistentHash ch = topology().getWriteConsistentHash();
        String[][] out = new String[ch.getNumSegments()][1 + backups];
        for (int s = 0; s < out.length; s++) {
            List<Address> owners = ch.locateOwnersForSegment(s);
            for (int i = 0; i <= backups && i < owners.size(); i++) {
                out[s][i] = owners.get(i).toString();
            }
        }
        return out;
    }

    @Override
    public boolean migrating() {
        return dm().isRehashInProgress() || topology().getPendingCH() != null;
    }

    @Override
    public int pendingMigrations() {
        return migrating() ? 1 : 0;
    }

    @Override
    public boolean replicasInSync() {
        // a rebalance ends (no pending hash) only after every new owner received its segments
        return !migrating();
    }

    @Override
    public long stateStamp() {
        return topology().getTopologyId();
    }

    @Override
    public long migrationEvents() {
        return 0;
    }

    @Override
    public void onMemberJoined(Consumer<String> listener) {
        manager.addListener(new Joins(listener));
    }

    /** Infinispan's view listener, reporting each new member's name. */
    @Listener(sync = true)
    public static final class Joins {
        private final Consumer<String> listener;

        Joins(Consumer<String> listener) {
            this.listener = listener;
        }

        @ViewChanged
        public void viewChanged(ViewChangedEvent e) {
            for (Address a : e.getNewMembers()) {
                if (!e.getOldMembers().contains(a)) {
                    listener.accept(a.toString());
                }
            }
        }
    }

    @Override
    public void close() {
        manager.stop();
    }
}
