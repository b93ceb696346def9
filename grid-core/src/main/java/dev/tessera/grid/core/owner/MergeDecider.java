package dev.tessera.grid.core.owner;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MergePolicy;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per key, whether an entry pushed by the losing side of a split replaces what the winning
 * primary holds: CONSISTENT maps take it only for keys the winners know nothing of; AVAILABLE maps
 * ask the map's registered {@link MergePolicy}, or keep the later update (by hybrid logical clock).
 */
final class MergeDecider {
    private static final Logger log = LoggerFactory.getLogger(MergeDecider.class);

    private final KryoCodec codec;
    private final Map<String, MergePolicy> policies;
    private final Set<String> warnedMissing = ConcurrentHashMap.newKeySet();

    MergeDecider(KryoCodec codec, Map<String, MergePolicy> policies) {
        this.codec = codec;
        this.policies = policies;
    }

    boolean takesMerging(MapConfig config, Record current, ReplicaEntry merging) {
        if (config.splitBrainMode() == SplitBrainMode.CONSISTENT) {
            return current == null;
        }
        MergePolicy policy = config.mergePolicy() == null ? null : policies.get(config.mergePolicy());
        if (policy == null) {
            if (config.mergePolicy() != null && warnedMissing.add(config.mergePolicy())) {
                log.warn("Merge policy '{}' is not registered on this member (GridBuilder.mergePolicy); "
                        + "merging by latest update instead", config.mergePolicy());
            }
            return current == null || merging.hlc() > current.hlc();
        }
        MergePolicy.Candidate existing = current == null ? new MergePolicy.Candidate(null, 0)
                : new MergePolicy.Candidate(current.value() == null ? null : codec.deserialize(current.value()),
                        HybridClock.millisOf(current.hlc()));
        MergePolicy.Candidate incoming = new MergePolicy.Candidate(merging.value() == null ? null : codec.deserialize(merging.value()),
                HybridClock.millisOf(merging.hlc()));
        return policy.choose(codec.deserialize(merging.key()), existing, incoming) == incoming;
    }
}
