package dev.tessera.grid.core;

import dev.tessera.grid.Member;
import dev.tessera.grid.MembershipEvent;
import dev.tessera.grid.MembershipListener;
import dev.tessera.grid.Registration;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MembershipListener}s of a member: each installed view becomes JOINED, LEFT and MERGED events, delivered on
 * the member's event thread in view order, so a slow listener delays no view.
 */
final class MembershipEvents {
    private static final Logger log = LoggerFactory.getLogger(MembershipEvents.class);

    private final MemberId self;
    private final Executor eventThread;
    private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
    private ClusterView lastView; // only read and written on the event thread

    MembershipEvents(MemberId self, Executor eventThread) {
        this.self = self;
        this.eventThread = eventThread;
    }

    Registration add(MembershipListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** View listener: publishes the view's events on the event thread. */
    void onView(ClusterView view) {
        eventThread.execute(() -> publish(view));
    }

    private void publish(ClusterView view) {
        ClusterView previous = lastView;
        lastView = view;
        List<Member> members = new ArrayList<>();
        for (MemberInfo m : view.members()) {
            members.add(Members.of(m));
        }
        List<MembershipEvent> events = new ArrayList<>();
        Set<MemberId> before = previous == null ? Set.of() : new HashSet<>(previous.ids());
        if (previous != null) {
            for (MemberInfo m : previous.members()) {
                if (!view.contains(m.id())) {
                    events.add(new MembershipEvent(MembershipEvent.Type.LEFT, Members.of(m), members));
                }
            }
        }
        for (MemberInfo m : view.members()) {
            if (!before.contains(m.id()) && !m.id().equals(self)) {
                events.add(new MembershipEvent(MembershipEvent.Type.JOINED, Members.of(m), members));
            }
        }
        if (view.merge()) {
            events.add(new MembershipEvent(MembershipEvent.Type.MERGED, null, members));
        }
        for (MembershipEvent e : events) {
            for (MembershipListener l : listeners) {
                try {
                    l.onEvent(e);
                } catch (RuntimeException ex) {
                    log.warn("Membership listener {} failed on {}", l, e, ex);
                }
            }
        }
    }
}
