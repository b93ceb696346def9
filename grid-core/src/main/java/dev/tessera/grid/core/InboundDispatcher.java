package dev.tessera.grid.core;

import dev.tessera.grid.core.cluster.Coordinator;
import dev.tessera.grid.core.cluster.HandoverFences;
import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.RejectionCounter;
import dev.tessera.grid.core.cluster.TableGate;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.map.MapContext;
import dev.tessera.grid.core.map.MapQueries;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.migration.SplitMerger;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.replication.ReplicaReceiver;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.EventMessages;
import dev.tessera.grid.core.wire.LeaseMessages;
import dev.tessera.grid.core.wire.MalformedMessageException;
import dev.tessera.grid.core.wire.MapHeaderRegistry;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.QueryMessages;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.SizeQuery;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.ScanMessages;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.core.wire.TopologyMessages.LeaveRequest;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.core.wire.UnknownMapHeaderException;
import dev.tessera.grid.core.wire.WriteBehindFlushed;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.ThrottledWarning;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every message from another member to the component that handles it. A message that
 * cannot be decoded is rejected, counted and logged; it never reaches a store. So is a control
 * message its sender may not send: a partition table only counts from the view's coordinator
 * ({@link TableGate}), a merge-out only from the coordinator, a leave request only for its sender.
 * (Only members of the view get this far: the channel drops everyone else's frames.)
 */
final class InboundDispatcher {
    private static final Logger log = LoggerFactory.getLogger(InboundDispatcher.class);

    private final TopologyState topology;
    private final PrimaryOperations primary;
    private final ReplicaReceiver replicas;
    private final Coordinator coordinator;
    private final MapContext maps;
    private final SplitMerger merger;
    private final NearCacheRegistry nearCaches;
    private final HandoverFences fences;
    private final EntryEventService entryEvents;
    private final MapStoreService mapStores;
    private final Messenger messenger;
    private final TableGate tables;
    private final RejectionCounter rejections;
    private final MemberCompatibility compatibility;
    private final ReadLease lease;
    private final dev.tessera.grid.core.migration.EarlyCopies early;
    private final ThrottledWarning warning = new ThrottledWarning(log, 10, TimeUnit.SECONDS);
    /** The map headers this member received in full: later client ops and copies may name their map by digest. */
    private final MapHeaderRegistry mapHeaders = new MapHeaderRegistry();

    InboundDispatcher(TopologyState topology, PrimaryOperations primary, ReplicaReceiver replicas, Coordinator coordinator,
                      MapContext maps, SplitMerger merger, NearCacheRegistry nearCaches, HandoverFences fences,
                      EntryEventService entryEvents, MapStoreService mapStores, Messenger messenger, TableGate tables,
                      RejectionCounter rejections, MemberCompatibility compatibility, ReadLease lease,
                      dev.tessera.grid.core.migration.EarlyCopies early) {
        this.lease = lease;
        this.early = early;
        this.messenger = messenger;
        this.tables = tables;
        this.rejections = rejections;
        this.compatibility = compatibility;
        this.nearCaches = nearCaches;
        this.fences = fences;
        this.entryEvents = entryEvents;
        this.mapStores = mapStores;
        this.topology = topology;
        this.primary = primary;
        this.replicas = replicas;
        this.coordinator = coordinator;
        this.maps = maps;
        this.merger = merger;
    }

    /**
     * @param requestId the sender's id of the request: a backup answers it for the primary
     *                  ({@link ReplicationMessages.ForwardedReply}), the primary then sends no answer of its own
     */
    CompletableFuture<byte[]> onRequest(MemberId sender, long requestId, byte[] request) {
        try {
            if (MemberCompatibility.isQuery(request)) { // answered to anyone: how a refused member learns why
                return CompletableFuture.completedFuture(compatibility.answer(sender, request));
            }
            if (!compatibility.admits(sender)) {
                return CompletableFuture.failedFuture(compatibility.dropped(sender));
            }
            long current = topology.table().version();
            long made = Replicate.peekTableVersion(request);
            if (made > current) {
                // made with a table we have not applied yet (the source learned of a migration with it): held until we
                // have, within the migration budget, then handled like any copy; beyond the budget the sender retries
                CompletableFuture<byte[]> later = early.hold(made, request.length, () -> onRequest(sender, requestId, request),
                        () -> new ReplicationMessages.ReplicateResponse(Status.RETRY, topology.table().version()).encode());
                return later != null ? later
                        : CompletableFuture.completedFuture(new ReplicationMessages.ReplicateResponse(Status.RETRY, current).encode());
            }
            Object m = Messages.decode(request, mapHeaders);
            if (m instanceof ClientOp op) {
                if (op.partition() < 0 || op.partition() >= topology.table().partitionCount()) {
                    throw new MalformedMessageException("partition " + op.partition() + " out of range");
                }
                return primary.execute(op, sender, requestId);
            } else if (m instanceof Replicate r) {
                ReplicationMessages.ReplicateResponse applied = replicas.apply(sender, r);
                if (r.reply() != null && applied.status() == Status.OK) { // before our ack: the caller waits on this one
                    messenger.forwardReply(r.reply().caller(), r.reply().requestId(), r.reply().reply());
                }
                return CompletableFuture.completedFuture(applied.encode());
            } else if (m instanceof ReplicationMessages.Fence f) {
                return CompletableFuture.completedFuture(fences.onFence(f));
            } else if (m instanceof TopologyMessages.TableQuery) {
                return CompletableFuture.completedFuture(
                        new TableMessage(MessageType.TABLE_RESPONSE, topology.table(), coordinator.side()).encode());
            } else if (m instanceof TopologyMessages.MergeOut out) {
                ClusterView v = messenger.view();
                if (!v.coordinator().id().equals(sender)) {
                    throw new NotPermittedException("a merge-out request from " + sender + ", which is not the coordinator");
                }
                return merger.mergeOut(out.target()).thenApply(n -> new TopologyMessages.MergeOutDone(n).encode());
            } else if (m instanceof TopologyMessages.MergeEntries in) {
                return primary.mergeIn(in.body()).thenApply(ReplicationMessages.ReplicateResponse::encode);
            } else if (m instanceof SizeQuery q) {
                return CompletableFuture.completedFuture(new QueryMessages.SizeResponse(MapQueries.localSize(maps, q.map())).encode());
            } else if (m instanceof ScanMessages.ScanQuery q) {
                return CompletableFuture.completedFuture(MapQueries.scanPage(maps, q, true).encode());
            } else if (m instanceof ScanMessages.ClearPartitions c) {
                return MapQueries.clearPartitions(maps, primary, c);
            } else if (m instanceof EntriesQuery q) {
                return CompletableFuture.completedFuture(MapQueries.localEntries(maps, q, true).encode());
            } else if (m instanceof EventMessages.ListenerInterests li) {
                return CompletableFuture.completedFuture(entryEvents.onInterestsRequest(sender, li));
            } else if (m instanceof LeaseMessages.LeasePing ping) {
                return CompletableFuture.completedFuture(lease.onPing(sender, ping).encode());
            } else if (m instanceof ReplicationMessages.DestroyMap d) {
                return CompletableFuture.completedFuture(maps.destroyer().onRequest(d));
            }
            throw new MalformedMessageException(m.getClass().getSimpleName() + " is not a request");
        } catch (UnknownMapHeaderException e) {
            return CompletableFuture.completedFuture(unknownMapHeader(request));
        } catch (MalformedMessageException e) {
            reject(sender, e);
            return CompletableFuture.failedFuture(e);
        } catch (NotPermittedException e) {
            refuse(e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The answer to a request whose short map header this member has not learned: nothing was applied, resend it whole. */
    private byte[] unknownMapHeader(byte[] request) {
        long current = topology.table().version();
        return Messages.typeOf(request) == MessageType.CLIENT_OP
                ? OpResponse.status(Status.UNKNOWN_CONFIG, current).encode()
                : new ReplicationMessages.ReplicateResponse(Status.UNKNOWN_CONFIG, current).encode(); // REPLICATE: the others carry full headers
    }

    /** Map headers this member has learned, for tests. */
    MapHeaderRegistry mapHeaders() {
        return mapHeaders;
    }

    void onMessage(MemberId sender, byte[] message) {
        if (!compatibility.admits(sender)) {
            compatibility.dropped(sender);
            return;
        }
        try {
            Object m = Messages.decode(message);
            if (m instanceof TableMessage t && t.type() == MessageType.TABLE_UPDATE) {
                tables.onTable(sender, t.table());
            } else if (m instanceof TransferDone d) {
                coordinator.onTransferDone(sender, d);
            } else if (m instanceof LeaveRequest l) {
                if (!l.member().equals(sender)) {
                    throw new NotPermittedException("a leave request for " + l.member() + " from " + sender);
                }
                coordinator.onLeaveRequest(l.member());
            } else if (m instanceof EventMessages.Invalidations inv) {
                nearCaches.onInvalidations(sender, inv);
            } else if (m instanceof EventMessages.EntryEvents ev) {
                entryEvents.onEvents(sender, ev);
            } else if (m instanceof EventMessages.ListenerInterests li) {
                entryEvents.onInterests(sender, li);
            } else if (m instanceof WriteBehindFlushed f) {
                mapStores.onFlushed(sender, f);
            } else {
                throw new MalformedMessageException(m.getClass().getSimpleName() + " is not a one-way message");
            }
        } catch (MalformedMessageException e) {
            reject(sender, e);
        } catch (NotPermittedException e) {
            refuse(e);
        } catch (IllegalStateException e) {
            log.error("Rejected a message from {}: {}", sender, e.getMessage());
        }
    }

    private void reject(MemberId sender, MalformedMessageException e) {
        rejections.malformed();
        warning.warn("Rejected a malformed message from {}: {}", sender, e.getMessage());
    }

    private void refuse(NotPermittedException e) {
        rejections.notPermitted();
        warning.warn("Refused {}", e.getMessage());
    }

    /** A well-formed message that its sender is not entitled to send. */
    private static final class NotPermittedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotPermittedException(String message) {
            super(message, null, false, false);
        }
    }
}
