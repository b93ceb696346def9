package dev.tessera.grid.core.wire;

import dev.tessera.grid.membership.MemberId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What a sender knows of other members' {@link MapHeaderRegistry}: the map header digests each destination has
 * answered a message with the full header for, so that later messages to it carry the short one. An entry that
 * turns out wrong (the receiver forgot it, or is a new process at the same address) costs one
 * {@link Status#UNKNOWN_CONFIG} and one resend with the full header, after the sender calls {@link #forget}.
 *
 * <p>Bounded: at most {@link #MAX_PER_MEMBER} digests per member (past that its set starts over), and members that
 * are no longer in the view are dropped whenever a new member is added.
 */
public final class PeerMapHeaders {
    /** As {@link MapHeaderRegistry#DEFAULT_CAPACITY}: more maps than a receiver keeps would only cost resends. */
    static final int MAX_PER_MEMBER = MapHeaderRegistry.DEFAULT_CAPACITY;

    private final ConcurrentHashMap<MemberId, Set<Long>> known = new ConcurrentHashMap<>();
    private final Predicate<MemberId> inView;

    /** @param inView whether a member is in the current view: the others' entries are dropped */
    public PeerMapHeaders(Predicate<MemberId> inView) {
        this.inView = inView;
    }

    /** Whether {@code member} has acknowledged the full header named by {@code digest}. */
    public boolean knows(MemberId member, long digest) {
        Set<Long> s = known.get(member);
        return s != null && s.contains(digest);
    }

    /** {@code member} answered a message that carried the full header named by {@code digest}: it has learned it. */
    public void acknowledged(MemberId member, long digest) {
        Set<Long> s = known.get(member);
        if (s == null) {
            known.keySet().removeIf(m -> !inView.test(m)); // on each new member: the ones that left go
            s = known.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet());
        }
        if (s.size() >= MAX_PER_MEMBER) {
            s.clear();
        }
        s.add(digest);
    }

    /** {@code member} answered {@link Status#UNKNOWN_CONFIG} for {@code digest}: send it the full header again. */
    public void forget(MemberId member, long digest) {
        Set<Long> s = known.get(member);
        if (s != null) {
            s.remove(digest);
        }
    }

    /** Members with acknowledged headers, for tests. */
    int members() {
        return known.size();
    }
}
