package dev.tessera.grid.core;

import dev.tessera.grid.core.cluster.Coordinator;
import dev.tessera.grid.core.cluster.HandoverFences;
import dev.tessera.grid.core.cluster.MemberCompatibility;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.ReadLease;
import dev.tessera.grid.core.cluster.TableGate;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.membership.ClusterView;

/**
 * Hands each installed view, reduced to the compatible members, to every component that follows the view, in the
 * order they depend on each other: the messenger first (everyone asks it for the view), the quorum before the read
 * lease (which revokes without quorum), the membership listeners last.
 */
final class ViewDispatcher {
    private final MemberCompatibility compatibility;
    private final ChannelMessenger messenger;
    private final TableGate tableGate;
    private final HandoverFences fences;
    private final LoadLeases loadLeases;
    private final QuorumTracker quorum;
    private final TopologyState topology;
    private final ReadLease readLease;
    private final Coordinator coordinator;
    private final EntryEventService entryEvents;
    private final MembershipEvents membershipEvents;

    ViewDispatcher(MemberCompatibility compatibility, ChannelMessenger messenger, TableGate tableGate, HandoverFences fences,
                   LoadLeases loadLeases, QuorumTracker quorum, TopologyState topology, ReadLease readLease,
                   Coordinator coordinator, EntryEventService entryEvents, MembershipEvents membershipEvents) {
        this.compatibility = compatibility;
        this.messenger = messenger;
        this.tableGate = tableGate;
        this.fences = fences;
        this.loadLeases = loadLeases;
        this.quorum = quorum;
        this.topology = topology;
        this.readLease = readLease;
        this.coordinator = coordinator;
        this.entryEvents = entryEvents;
        this.membershipEvents = membershipEvents;
    }

    void onView(ClusterView installed) {
        ClusterView view = compatibility.compatibleView(installed);
        messenger.onView(view);
        tableGate.onView(view);
        fences.onView(view);
        loadLeases.onMembers(view.ids());
        quorum.onView(view, topology.table());
        readLease.onView(view);
        coordinator.onView(view);
        entryEvents.onView(view);
        membershipEvents.onView(view);
    }
}
