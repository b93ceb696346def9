package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ReplicationMessages.Fence;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an ownership switch safe for reads: a member that becomes primary of a partition while the
 * previous primary is still in the view serves it only after the previous primary confirmed it
 * stopped ({@link Fence}). Without it, the old primary, which applies the new table a little later,
 * could answer a read with a value older than a write the new primary had already acknowledged.
 *
 * <p>Writes never needed this: the old primary's copies go to the new primary (its backup or
 * migration target before the switch), which rejects them once it holds the new table. Until the
 * confirmation arrives, operations on the partition are answered RETRY; a predecessor that leaves
 * the view releases the partition at once.
 */
public final class HandoverFences {
    private static final Logger log = LoggerFactory.getLogger(HandoverFences.class);
    private static final long RETRY_MILLIS = 50;

    private final TopologyState topology;
    private final Messenger messenger;
    private final ScheduledExecutorService scheduler;
    private final long timeoutMillis;

    public HandoverFences(TopologyState topology, Messenger messenger, ScheduledExecutorService scheduler, long timeoutMillis) {
        this.topology = topology;
        this.messenger = messenger;
        this.scheduler = scheduler;
        this.timeoutMillis = timeoutMillis;
    }

    /** Table listener: holds back the partitions this member gained from a live predecessor and asks it to stop. */
    public void onTable(PartitionTable prev, PartitionTable next) {
        MemberId self = topology.self();
        Map<MemberId, List<Integer>> gained = new HashMap<>();
        for (int p = 0; p < next.partitionCount(); p++) {
            MemberId before = prev.primary(p);
            if (self.equals(next.primary(p)) && before != null && !self.equals(before) && messenger.isMember(before)) {
                topology.awaitHandover(p, before);
                gained.computeIfAbsent(before, a -> new ArrayList<>()).add(p);
            }
        }
        gained.forEach((from, ps) -> {
            int[] partitions = ps.stream().mapToInt(Integer::intValue).toArray();
            scheduler.execute(() -> ask(from, next.version(), partitions));
        });
    }

    /** View listener: a predecessor that left can no longer serve anything. */
    public void onView(ClusterView view) {
        PartitionTable t = topology.table();
        for (int p = 0; p < t.partitionCount(); p++) {
            MemberId from = topology.awaitedHandover(p);
            if (from != null && !view.contains(from)) {
                topology.handoverConfirmed(p, from);
            }
        }
    }

    /** Handles a successor's {@link Fence}: stops serving, then confirms. */
    public byte[] onFence(Fence fence) {
        topology.fence(fence.partitions(), fence.tableVersion());
        return new ReplicateResponse(Status.OK, topology.table().version()).encode();
    }

    private void ask(MemberId from, long tableVersion, int[] partitions) {
        if (!stillAwaited(from, partitions)) {
            return;
        }
        if (!messenger.isMember(from)) {
            release(from, tableVersion, partitions);
            return;
        }
        messenger.request(from, new Fence(tableVersion, partitions).encode(), timeoutMillis).whenComplete((reply, error) -> {
            if (error == null && Messages.decode(reply, ReplicateResponse.class).status() == Status.OK) {
                release(from, tableVersion, partitions);
            } else {
                log.debug("Handover of {} partitions from {} not confirmed yet: {}", partitions.length, from,
                        error != null ? error.toString() : "refused");
                scheduler.schedule(() -> ask(from, tableVersion, partitions), RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private boolean stillAwaited(MemberId from, int[] partitions) {
        for (int p : partitions) {
            if (from.equals(topology.awaitedHandover(p))) {
                return true;
            }
        }
        return false;
    }

    /** Releases the partitions that this member took over from {@code from} at {@code tableVersion}, not later. */
    private void release(MemberId from, long tableVersion, int[] partitions) {
        for (int p : partitions) {
            // a late answer for an earlier takeover of p: from may have served p again since, and this takeover waits
            if (topology.primarySince(p) <= tableVersion) {
                topology.handoverConfirmed(p, from);
            }
        }
    }
}
