package dev.tessera.grid.core;

import dev.tessera.grid.GridConfig;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberUnreachableException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The choreography of a graceful leave, before the member disconnects: it asks the coordinator to move its partitions
 * away until a table without it is applied, and a leaving coordinator then waits until the others applied that table.
 * Both end at the leave timeout.
 */
final class GracefulLeave {
    private static final Logger log = LoggerFactory.getLogger(GracefulLeave.class);

    private final Messenger messenger;
    private final TopologyState topology;
    private final CoordinatorLink toCoordinator;
    private final TableArrivals tables;
    private final TimeSource time;
    private final String memberName;
    private final Duration leaveTimeout;
    private final long requestTimeoutMillis;

    GracefulLeave(Messenger messenger, TopologyState topology, CoordinatorLink toCoordinator, TableArrivals tables,
                  TimeSource time, GridConfig config) {
        this.messenger = messenger;
        this.topology = topology;
        this.toCoordinator = toCoordinator;
        this.tables = tables;
        this.time = time;
        this.memberName = config.memberName();
        this.leaveTimeout = config.leaveTimeout();
        this.requestTimeoutMillis = config.operationTimeout().toMillis();
    }

    /** Hands this member's partitions over, within the leave timeout. */
    void handOverPartitions() {
        MemberId self = messenger.self();
        long deadline = time.nanoTime() + leaveTimeout.toNanos();
        while (topology.table().members().contains(self) && messenger.view().members().size() > 1) {
            if (time.nanoTime() - deadline > 0) {
                log.warn("Member {} leaves before every partition was handed over (leave timeout {})", memberName,
                        leaveTimeout);
                return;
            }
            toCoordinator.leaveRequest();
            try {
                tables.awaitNext(500); // woken by each applied table; the request is repeated in case the coordinator changed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        awaitOthersApplied(deadline);
    }

    /**
     * A leaving coordinator stays until every other member applied the table that handed its partitions over. A
     * member that processes the view without us first drops our last table (it comes from a non-member then), and the
     * next coordinator would replan from an older one, in which we still own partitions whose data went to their
     * targets: a map without backups lost about a sixth of its entries that way when two members left at once
     * ({@code ConcurrentLeaveTest}).
     */
    private void awaitOthersApplied(long deadline) {
        MemberId self = messenger.self();
        long mine = topology.table().version();
        byte[] query = new TopologyMessages.TableQuery().encode();
        while (time.nanoTime() - deadline < 0) {
            ClusterView v = messenger.view();
            if (!v.coordinator().id().equals(self)) {
                return; // only the coordinator publishes tables
            }
            boolean behind = false;
            for (MemberId m : v.ids()) {
                if (!m.equals(self) && appliedVersion(m, query) < mine) {
                    behind = true;
                }
            }
            if (!behind) {
                return;
            }
            try {
                tables.awaitNext(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("Member {} leaves before every member confirmed its last table (leave timeout {})", memberName,
                leaveTimeout);
    }

    /** The table version {@code member} applied; {@code Long.MAX_VALUE} if it is gone (nothing to wait for). */
    private long appliedVersion(MemberId member, byte[] query) {
        try {
            byte[] reply = Futures.await(messenger.request(member, query, requestTimeoutMillis));
            return Messages.decode(reply, TableMessage.class).table().version();
        } catch (MemberUnreachableException e) {
            return Long.MAX_VALUE;
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
