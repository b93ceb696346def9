package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.partition.OwnershipAssigner;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.core.wire.TopologyMessages.TableQuery;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.membership.ThrottledWarning;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import dev.tessera.grid.membership.MemberId;
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
 * <p><b>Merge after a split.</b> Each side kept its own table lineage. Every member reports its
 * table and its side (its last view before the merge); the largest side wins (ties: the side of
 * the merged view's oldest member). A member counts on a side only if it names that side too: a
 * member paused past failure detection still names the members that dropped it ({@link #winningSide}).
 * The coordinator publishes the winners' newest table, without the losers, to the winners; asks
 * each loser to stop serving and push its AVAILABLE maps' data to the winning primaries (latest
 * update wins per key); and only then publishes a table that takes
 * the losers back as new replicas, which makes them drop their own copies. The merged table's
 * version exceeds every version of both lineages, so no version is reused.
 *
 * <p><b>Commit.</b> When a partition's primary reports it copied the data to its target, the target
 * becomes the owner list in the next table, if the report names the target's current epoch
 * ({@link PartitionTable#targetEpoch}). Commits arriving close together share one table.
 *
 * <p>State is confined to {@code executor} (single-threaded).
 */
public final class Coordinator {
    /** Version gap on takeover: larger than the number of tables a coordinator can have in flight. */
    static final long TAKEOVER_VERSION_GAP = 16;
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    private static final long QUERY_TIMEOUT_MS = 3_000;
    /**
     * How long commits are gathered into one table while other migrations are still pending. Every table
     * is broadcast and applied by every member under the table lock, so a join publishes a handful of
     * tables instead of one per finished partition; the commit that completes the last migration is
     * published at once.
     */
    static final long COMMIT_BATCH_MS = 50;
    private static final long MERGE_OUT_TIMEOUT_MS = 120_000;

    private final Messenger messenger;
    private final RejectionCounter rejections;
    private final ThrottledWarning refusals = new ThrottledWarning(log, 10, TimeUnit.SECONDS);
    private final TopologyState topology;
    private final OwnershipAssigner assigner;
    private final ScheduledExecutorService executor;
    private final Function<PartitionTable, CompletableFuture<Long>> localMergeOut;
    private final Set<MemberId> leaving = new HashSet<>();
    private volatile List<MemberId> side = List.of();
    private boolean mergePending;
    private ClusterView view;
    private PartitionTable published;
    private boolean active;
    private long generation;
    private boolean flushScheduled;

    /** @param localMergeOut runs this member's own merge-out when it is on a losing side */
    public Coordinator(Messenger messenger, TopologyState topology, OwnershipAssigner assigner, ScheduledExecutorService executor,
                       Function<PartitionTable, CompletableFuture<Long>> localMergeOut, RejectionCounter rejections) {
        this.messenger = messenger;
        this.rejections = rejections;
        this.topology = topology;
        this.assigner = assigner;
        this.executor = executor;
        this.localMergeOut = localMergeOut;
    }

    /** This member's side: the members of its last view that was not a merge. */
    public List<MemberId> side() {
        return side;
    }

    public void onView(ClusterView v) {
        executor.execute(() -> handleView(v));
    }

    /** A partition's primary reports it copied the partition to its target. */
    public void onTransferDone(MemberId sender, TransferDone done) {
        executor.execute(() -> handleDone(sender, done));
    }

    public void onLeaveRequest(MemberId member) {
        executor.execute(() -> handleLeave(member));
    }

    private void handleView(ClusterView v) {
        view = v;
        generation++;
        leaving.retainAll(v.ids());
        if (v.merge()) {
            mergePending = true;
        } else if (!mergePending) {
            side = List.copyOf(v.ids());
        }
        if (!messenger.self().equals(v.coordinator().id())) {
            active = false;
            mergePending = false;
            return;
        }
        if (!active || mergePending) {
            active = false;
            takeover(generation);
        } else {
            rebalance();
        }
    }

    private void takeover(long gen) {
        List<CompletableFuture<TableMessage>> answers = new ArrayList<>();
        List<MemberId> reporters = new ArrayList<>();
        byte[] query = new TableQuery().encode();
        answers.add(CompletableFuture.completedFuture(new TableMessage(MessageType.TABLE_RESPONSE, topology.table(), side)));
        reporters.add(messenger.self());
        for (MemberId a : view.ids()) {
            if (!a.equals(messenger.self())) {
                answers.add(messenger.request(a, query, QUERY_TIMEOUT_MS)
                        .thenApply(reply -> Messages.decode(reply, TableMessage.class)));
                reporters.add(a);
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
            List<TableMessage> tables = new ArrayList<>();
            Map<MemberId, TableMessage> reports = new LinkedHashMap<>();
            for (int i = 0; i < answers.size(); i++) {
                tables.add(answers.get(i).join());
                reports.put(reporters.get(i), answers.get(i).join());
            }
            if (mergePending) {
                Set<MemberId> winners = winningSide(view.ids(), reports);
                if (winners.size() < view.ids().size()) {
                    mergeSides(gen, reports, winners);
                    return;
                }
            }
            mergePending = false;
            PartitionTable newest = topology.table();
            for (TableMessage t : tables) {
                if (t.table().version() > newest.version()) {
                    newest = t.table();
                }
            }
            long version = newest.version() == 0 ? 0 : newest.version() + TAKEOVER_VERSION_GAP;
            // fresh epochs: the predecessor may have published tables no member reported, in which a target changed
            published = newest.withVersion(version).withFreshTargetEpochs();
            active = true;
            log.debug("Took over as coordinator from table {} (view {})", newest.version(), view.viewId());
            rebalance();
        }, executor);
    }

    /**
     * The winning side of a merge, as members of the current view ({@code order}): the largest side, ties going to
     * the side of the oldest member. Each member reports its side, and a member's own report is the only word on
     * where it was: a member paused past failure detection never installed the view that dropped it, so it still
     * names the others, who name a side without it. Such a claim is <em>contradicted</em>; it counts only the
     * members that name the claimant back, and loses to every claim that nobody in it contradicts. (Trusting it
     * made a paused coordinator, whose side was a view that a later merge had outdated, win a tie against the
     * members that had gone on without it, and send a member of theirs away to rejoin empty.)
     */
    static Set<MemberId> winningSide(List<MemberId> order, Map<MemberId, TableMessage> reports) {
        Set<MemberId> best = Set.of();
        boolean bestAgreed = false;
        int bestFirst = Integer.MAX_VALUE;
        for (Map.Entry<MemberId, TableMessage> r : reports.entrySet()) {
            MemberId claimant = r.getKey();
            Set<MemberId> s = new HashSet<>();
            boolean agreed = true;
            int first = order.size();
            for (MemberId a : r.getValue().side()) {
                if (!order.contains(a)) {
                    continue;
                }
                TableMessage theirs = reports.get(a);
                if (a.equals(claimant) || theirs == null || theirs.side().contains(claimant)) {
                    s.add(a);
                    first = Math.min(first, order.indexOf(a));
                } else {
                    agreed = false;
                }
            }
            if (s.isEmpty()) {
                continue;
            }
            boolean better = agreed != bestAgreed ? agreed
                    : s.size() != best.size() ? s.size() > best.size() : first < bestFirst;
            if (best.isEmpty() || better) {
                best = s;
                bestAgreed = agreed;
                bestFirst = first;
            }
        }
        return best.isEmpty() ? new HashSet<>(order) : best;
    }

    private void mergeSides(long gen, Map<MemberId, TableMessage> reports, Set<MemberId> winners) {
        long maxVersion = 0;
        for (TableMessage t : reports.values()) {
            maxVersion = Math.max(maxVersion, t.table().version());
        }
        PartitionTable winning = winningTable(reports, winners);
        Set<MemberId> drop = new HashSet<>(winning.members());
        drop.removeAll(winners);
        PartitionTable base = drop.isEmpty() ? winning : withoutDeparted(winning, drop);
        List<MemberId> winnerOrder = new ArrayList<>();
        for (MemberId a : view.ids()) {
            if (winners.contains(a)) {
                winnerOrder.add(a);
            }
        }
        MemberId[][] owners = ownersOf(base);
        MemberId[][] fresh = assigner.assign(owners, winnerOrder, zonesOf(winnerOrder));
        MemberId[][] targets = new MemberId[owners.length][];
        for (int p = 0; p < owners.length; p++) {
            if (owners[p].length == 0) {
                owners[p] = fresh[p];
            } else if (base.isMigrating(p)) {
                targets[p] = base.target(p).toArray(MemberId[]::new);
            }
        }
        PartitionTable merged = new PartitionTable(maxVersion + TAKEOVER_VERSION_GAP, owners, targets);
        List<MemberId> losers = new ArrayList<>(view.ids());
        losers.removeAll(winners);
        log.info("Merging split sides: {} members keep table lineage {}, {} rejoin after pushing their data", winners.size(),
                winning.version(), losers);
        byte[] update = new TableMessage(MessageType.TABLE_UPDATE, merged).encode();
        for (MemberId w : winnerOrder) {
            if (w.equals(messenger.self())) {
                topology.apply(merged);
            } else {
                messenger.send(w, update);
            }
        }
        List<CompletableFuture<Long>> pushes = new ArrayList<>();
        byte[] mergeOut = new TopologyMessages.MergeOut(merged).encode();
        for (MemberId l : losers) {
            pushes.add(l.equals(messenger.self()) ? localMergeOut.apply(merged)
                    : messenger.request(l, mergeOut, MERGE_OUT_TIMEOUT_MS)
                            .thenApply(reply -> Messages.decode(reply, TopologyMessages.MergeOutDone.class).entries()));
        }
        CompletableFuture.allOf(pushes.toArray(CompletableFuture[]::new)).handleAsync((ok, error) -> {
            if (error != null) {
                log.warn("Not every member of the losing side pushed its data before rejoining: {}", error.toString());
            }
            if (gen == generation) {
                published = merged;
                active = true;
                mergePending = false;
                side = List.copyOf(view.ids());
                rebalance();
            }
            return null;
        }, executor);
    }

    /**
     * The table the winners go on with: the newest one a winner reported that names no loser (the winning side's
     * own lineage since the split), else the newest one a winner reported (the losers are then cut out of it like
     * departed members), else, if no winner reported a table, an empty one.
     */
    static PartitionTable winningTable(Map<MemberId, TableMessage> reports, Set<MemberId> winners) {
        PartitionTable own = null;
        PartitionTable any = null;
        for (Map.Entry<MemberId, TableMessage> r : reports.entrySet()) {
            PartitionTable t = r.getValue().table();
            if (!winners.contains(r.getKey())) {
                continue;
            }
            if (winners.containsAll(t.members()) && (own == null || t.version() > own.version())) {
                own = t;
            }
            if (any == null || t.version() > any.version()) {
                any = t;
            }
        }
        if (own != null) {
            return own;
        }
        return any != null ? any : PartitionTable.initial(reports.values().iterator().next().table().partitionCount());
    }

    /**
     * Removes departed members from every owner list without letting anyone slide into a replica
     * slot whose data it does not hold: a member in slot {@code s} holds the data of maps with at
     * least {@code s} backups only. The first surviving owner is promoted to primary if the primary
     * left (it holds every map's data that survived at all); the list is then cut at the first
     * departed slot, and the assigner's target brings the members behind it back in through a
     * migration that copies the data they lack ({@link #holdersOf} keeps them in place for the assigner).
     * If every owner left, the first surviving member of the partition's migration target becomes
     * primary: a target in slot {@code s} received every write of the maps with at least {@code s}
     * backups, and had their data before if it was an owner that an earlier view cut (two members dying
     * in two quick views). In-progress targets are dropped and recomputed.
     */
    static PartitionTable withoutDeparted(PartitionTable base, Set<MemberId> gone) {
        MemberId[][] owners = new MemberId[base.partitionCount()][];
        for (int p = 0; p < owners.length; p++) {
            List<MemberId> list = base.owners(p);
            int firstGone = -1;
            for (int i = 0; i < list.size() && firstGone < 0; i++) {
                if (gone.contains(list.get(i))) {
                    firstGone = i;
                }
            }
            if (firstGone < 0) {
                owners[p] = list.toArray(MemberId[]::new);
            } else if (firstGone > 0) {
                owners[p] = list.subList(0, firstGone).toArray(MemberId[]::new);
            } else {
                owners[p] = Stream.concat(list.stream(), base.target(p).stream())
                        .filter(a -> !gone.contains(a)).limit(1).toArray(MemberId[]::new);
            }
        }
        return new PartitionTable(base.version(), owners, new MemberId[owners.length][]);
    }

    /**
     * The target after members left: the assigner starts from {@link #holdersOf}, and in each target's
     * backup slots the holders come before members that hold nothing yet, in their old order. A second
     * failure before the migration ends then promotes a holder ({@link #withoutDeparted}), not a newcomer.
     */
    static MemberId[][] assignAfterDeparture(OwnershipAssigner assigner, PartitionTable base, PartitionTable current,
                                            Set<MemberId> gone, List<MemberId> staying, Map<MemberId, String> zones) {
        MemberId[][] holders = holdersOf(base, current, gone);
        MemberId[][] target = assigner.assign(holders, staying, zones);
        for (int p = 0; p < target.length; p++) {
            List<MemberId> held = List.of(holders[p]);
            List<MemberId> row = new ArrayList<>(List.of(target[p]));
            MemberId primary = row.remove(0);
            row.sort(Comparator.comparingInt(a -> held.contains(a) ? held.indexOf(a) : held.size()));
            row.add(0, primary);
            target[p] = row.toArray(MemberId[]::new);
        }
        return target;
    }

    /**
     * What the assigner starts from: per partition, {@code current}'s owners followed by the other
     * surviving owners of {@code base} that {@link #withoutDeparted} cut, in slot order. They still hold
     * the data of the maps with enough backups, so the target keeps them rather than copying to others.
     */
    static MemberId[][] holdersOf(PartitionTable base, PartitionTable current, Set<MemberId> gone) {
        MemberId[][] holders = new MemberId[current.partitionCount()][];
        for (int p = 0; p < holders.length; p++) {
            List<MemberId> row = new ArrayList<>(current.owners(p));
            if (!row.isEmpty()) {
                for (MemberId a : base.owners(p)) {
                    if (!gone.contains(a) && !row.contains(a)) {
                        row.add(a);
                    }
                }
            }
            holders[p] = row.toArray(MemberId[]::new);
        }
        return holders;
    }

    private static MemberId[][] ownersOf(PartitionTable t) {
        MemberId[][] owners = new MemberId[t.partitionCount()][];
        for (int p = 0; p < owners.length; p++) {
            owners[p] = t.owners(p).toArray(MemberId[]::new);
        }
        return owners;
    }

    private Map<MemberId, String> zonesOf(List<MemberId> members) {
        Map<MemberId, String> zones = new HashMap<>();
        for (MemberInfo m : view.members()) {
            if (m.zone() != null && members.contains(m.id())) {
                zones.put(m.id(), m.zone());
            }
        }
        return zones;
    }

    private void handleLeave(MemberId member) {
        if (!active || view == null || !view.contains(member)) {
            return;
        }
        leaving.add(member);
        rebalance();
    }

    private void rebalance() {
        PartitionTable base = published;
        Set<MemberId> inView = new HashSet<>(view.ids());
        Set<MemberId> gone = new HashSet<>(base.members());
        gone.removeAll(inView);
        PartitionTable current = gone.isEmpty() ? base : withoutDeparted(base, gone);

        List<MemberId> staying = new ArrayList<>(view.ids());
        staying.removeAll(leaving);
        if (staying.isEmpty()) {
            return; // everyone is leaving: nobody to hand over to
        }
        int partitions = current.partitionCount();
        MemberId[][] owners = ownersOf(current);
        MemberId[][] target = gone.isEmpty() ? assigner.assign(owners, staying, zonesOf(staying))
                : assignAfterDeparture(assigner, base, current, gone, staying, zonesOf(staying));
        MemberId[][] targets = new MemberId[partitions][];
        int migrating = 0;
        for (int p = 0; p < partitions; p++) {
            if (owners[p].length > 0 && gone.containsAll(base.owners(p))) {
                log.warn("Partition {} lost every owner ({} failed); its migration target {} becomes primary with the data it holds",
                        p, base.owners(p), owners[p][0]);
            }
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
        PartitionTable next = new PartitionTable(base.version() + 1, owners, targets).withTargetEpochsOf(base);
        if (next.withVersion(base.version()).equals(base) && base.version() > 0 && base.equals(topology.table())) {
            return; // nothing changed, and the members have it (a takeover's table is new to them)
        }
        log.debug("Rebalance at view {}: {} partitions to migrate, {} leaving", view.viewId(), migrating, leaving.size());
        publish(next);
    }

    private void handleDone(MemberId sender, TransferDone done) {
        if (!active || published == null) {
            return;
        }
        int p = done.partition();
        if (p < 0 || p >= published.partitionCount()) {
            rejections.malformed();
            return;
        }
        if (!published.isMigrating(p) && published.owners(p).equals(done.target())) {
            // a repeated notice of a copy committed already: its sender, the former primary, re-reported it from a table
            // that predates the commit (see TransferManager.reconcile). Nothing to do, and nothing hostile to count.
            return;
        }
        if (!sender.equals(published.primary(p))) {
            // only the partition's primary copies it: a commit on anyone else's word would make replicas of members
            // that never received the data (a notice of a primary replaced since is dropped here too)
            rejections.notPermitted();
            refusals.warn("Ignored a transfer notice for partition {} from {}, which is not its primary", p, sender);
            return;
        }
        if (!completesTarget(published, done)) {
            return; // stale notice: the primary or the target changed since
        }
        published = published.commitTarget(p);
        if (published.migratingCount() == 0) {
            flushCommits(); // nothing else to wait for
        } else if (!flushScheduled) {
            flushScheduled = true;
            executor.schedule(this::flushCommits, COMMIT_BATCH_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Whether {@code done} reports the copy that {@code published} still waits for in the notice's partition: the
     * same target of the same epoch. A target that a table in between changed (its members outside it dropped their
     * copies) has a new epoch even if it is the same list again, so a late or repeated notice of the earlier copy
     * cannot commit members that no longer hold the data.
     */
    static boolean completesTarget(PartitionTable published, TransferDone done) {
        int p = done.partition();
        return published.isMigrating(p) && published.target(p).equals(done.target())
                && published.targetEpoch(p) == done.targetEpoch();
    }

    private void flushCommits() {
        flushScheduled = false;
        if (active && published.version() >= topology.table().version() && !published.equals(topology.table())) {
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
