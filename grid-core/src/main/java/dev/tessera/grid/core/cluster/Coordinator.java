package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.Messages.TableMessage;
import dev.tessera.grid.core.wire.Messages.TableQuery;
import dev.tessera.grid.core.wire.Messages.TransferDone;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition-table authority. Every member runs one; only the view's coordinator (JGroups' oldest
 * member) acts.
 *
 * <p><b>Takeover.</b> A member that becomes coordinator, or sees a merge view, does not trust its own
 * table: it asks every member for the table it holds and starts from the newest (plus a version gap,
 * so that a table the dead coordinator was still publishing can never share a version with ours).
 * It publishes nothing until every member of the view answered; if one does not, it asks again, or
 * a new view restarts the takeover.
 *
 * <p><b>Membership change</b> (view, or a member asking to leave): departed members are removed from
 * the owner lists, which promotes each partition's first surviving backup without copying. Then the
 * {@link OwnershipAssigner} computes the balanced target from the owners and the members that stay;
 * a partition whose owners differ from its target gets the target as a pending migration. No target
 * is recomputed when migrations complete, so ongoing copies are not disturbed.
 *
 * <p><b>Commit.</b> When a partition's primary reports it copied the data to its target, the target
 * becomes the owner list in the next table. Commits arriving close together share one table.
 *
 * <p>State is confined to {@code executor} (single-threaded).
 */
public final class Coordinator {
    /** Version gap on takeover: larger than the number of tables a coordinator can have in flight. */
    static final long TAKEOVER_VERSION_GAP = 16;
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    private static final long QUERY_TIMEOUT_MS = 3_000;
    private static final long COMMIT_BATCH_MS = 10;

    private final Messenger messenger;
    private final TopologyState topology;
    private final OwnershipAssigner assigner;
    private final ScheduledExecutorService executor;
    private final Set<Address> leaving = new HashSet<>();
    private ClusterView view;
    private PartitionTable published;
    private boolean active;
    private long generation;
    private boolean flushScheduled;

    public Coordinator(Messenger messenger, TopologyState topology, OwnershipAssigner assigner, ScheduledExecutorService executor) {
        this.messenger = messenger;
        this.topology = topology;
        this.assigner = assigner;
        this.executor = executor;
    }

    public void onView(ClusterView v) {
        executor.execute(() -> handleView(v));
    }

    public void onTransferDone(TransferDone done) {
        executor.execute(() -> handleDone(done));
    }

    public void onLeaveRequest(Address member) {
        executor.execute(() -> handleLeave(member));
    }

    private void handleView(ClusterView v) {
        view = v;
        generation++;
        leaving.retainAll(v.addresses());
        if (!messenger.self().equals(v.coordinator().address())) {
            active = false;
            return;
        }
        if (!active || v.merge()) {
            active = false;
            takeover(generation);
        } else {
            rebalance();
        }
    }

    private void takeover(long gen) {
        List<CompletableFuture<PartitionTable>> answers = new ArrayList<>();
        byte[] query = new TableQuery().encode();
        for (Address a : view.addresses()) {
            if (!a.equals(messenger.self())) {
                answers.add(messenger.request(a, query, QUERY_TIMEOUT_MS)
                        .thenApply(reply -> Messages.decode(reply, TableMessage.class).table()));
            }
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenCompleteAsync((ok, error) -> {
            if (gen != generation) {
                return; // the view changed: a newer takeover is under way
            }
            if (error != null) {
                log.info("Coordinator takeover: not every member answered ({}), asking again", error.toString());
                executor.schedule(() -> {
                    if (gen == generation) {
                        takeover(gen);
                    }
                }, 200, TimeUnit.MILLISECONDS);
                return;
            }
            PartitionTable newest = topology.table();
            for (CompletableFuture<PartitionTable> a : answers) {
                PartitionTable t = a.join();
                if (t.version() > newest.version()) {
                    newest = t;
                }
            }
            long version = newest.version() == 0 ? 0 : newest.version() + TAKEOVER_VERSION_GAP;
            published = newest.withVersion(version);
            active = true;
            log.debug("Took over as coordinator from table {} (view {})", newest.version(), view.viewId());
            rebalance();
        }, executor);
    }

    private void handleLeave(Address member) {
        if (!active || view == null || !view.contains(member)) {
            return;
        }
        leaving.add(member);
        rebalance();
    }

    private void rebalance() {
        PartitionTable base = published;
        Set<Address> inView = new HashSet<>(view.addresses());
        Set<Address> gone = new HashSet<>(base.members());
        gone.removeAll(inView);
        PartitionTable current = gone.isEmpty() ? base : base.withoutMembers(gone);

        List<Address> staying = new ArrayList<>();
        Map<Address, String> zones = new HashMap<>();
        for (MemberInfo m : view.members()) {
            if (!leaving.contains(m.address())) {
                staying.add(m.address());
                if (m.zone() != null) {
                    zones.put(m.address(), m.zone());
                }
            }
        }
        if (staying.isEmpty()) {
            return; // everyone is leaving: nobody to hand over to
        }
        int partitions = current.partitionCount();
        Address[][] owners = new Address[partitions][];
        for (int p = 0; p < partitions; p++) {
            owners[p] = current.owners(p).toArray(Address[]::new);
        }
        Address[][] target = assigner.assign(owners, staying, zones);
        Address[][] targets = new Address[partitions][];
        int migrating = 0;
        for (int p = 0; p < partitions; p++) {
            if (owners[p].length == 0) {
                if (!base.owners(p).isEmpty()) {
                    log.warn("Partition {} lost every replica ({} failed at once); it restarts empty on {}", p, base.owners(p), target[p][0]);
                }
                owners[p] = target[p];
            } else if (!java.util.Arrays.equals(owners[p], target[p])) {
                targets[p] = target[p];
                migrating++;
            }
        }
        PartitionTable next = new PartitionTable(base.version() + 1, owners, targets);
        if (next.withVersion(base.version()).equals(base) && base.version() > 0) {
            return;
        }
        log.debug("Rebalance at view {}: {} partitions to migrate, {} leaving", view.viewId(), migrating, leaving.size());
        publish(next);
    }

    private void handleDone(TransferDone done) {
        if (!active || published == null) {
            return;
        }
        int p = done.partition();
        if (p < 0 || p >= published.partitionCount() || !published.isMigrating(p) || !published.target(p).equals(done.target())) {
            return; // stale notice: the target changed since
        }
        published = published.commitTarget(p);
        if (!flushScheduled) {
            flushScheduled = true;
            executor.schedule(this::flushCommits, COMMIT_BATCH_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void flushCommits() {
        flushScheduled = false;
        if (active && published.version() >= topology.table().version()) {
            publish(published.withVersion(Math.max(published.version(), topology.table().version()) + 1));
        }
    }

    private void publish(PartitionTable t) {
        published = t;
        topology.apply(t);
        messenger.broadcast(new TableMessage(MessageType.TABLE_UPDATE, t).encode());
    }

    /** For introspection: whether this member currently acts as coordinator. */
    public boolean isActive() {
        return active;
    }
}
