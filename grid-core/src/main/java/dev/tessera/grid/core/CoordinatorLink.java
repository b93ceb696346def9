package dev.tessera.grid.core;

import dev.tessera.grid.core.cluster.Coordinator;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.wire.TopologyMessages.LeaveRequest;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import dev.tessera.grid.membership.MemberId;

/** Tells the view's coordinator what this member did: by a message, or by a call when this member is the coordinator. */
final class CoordinatorLink {
    private final Messenger messenger;
    private final Coordinator coordinator;

    CoordinatorLink(Messenger messenger, Coordinator coordinator) {
        this.messenger = messenger;
        this.coordinator = coordinator;
    }

    /** This member finished migrating a partition it was the source of. */
    void transferDone(TransferDone done) {
        MemberId self = messenger.self();
        MemberId coord = messenger.view().coordinator().id();
        if (coord.equals(self)) {
            coordinator.onTransferDone(self, done);
        } else {
            messenger.send(coord, done.encode());
        }
    }

    /** This member leaves: the coordinator moves its partitions away. */
    void leaveRequest() {
        MemberId self = messenger.self();
        MemberId coord = messenger.view().coordinator().id();
        if (coord.equals(self)) {
            coordinator.onLeaveRequest(self);
        } else {
            messenger.send(coord, new LeaveRequest(self).encode());
        }
    }
}
