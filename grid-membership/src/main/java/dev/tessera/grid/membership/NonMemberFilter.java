package dev.tessera.grid.membership;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust check every frame passes: only members of this member's current view are heard. A request or one-way
 * message from anyone else waits, at most {@link #MAX_PARKED} of them and {@link #MAX_PARKED_BYTES} in all, for the
 * next view, since a member's message can
 * overtake the view that admits it (a joiner gets copies from members that installed the view before it did, a merge
 * coordinator's table can come before the merge view); the next view hands on those whose sender it contains, in
 * order, and drops the rest. A dropped request is never answered (an answer would make the transport retransmit to a
 * sender that may not exist); replies from non-members are dropped at once. Every drop is counted and logged at a
 * bounded rate.
 */
final class NonMemberFilter {
    private static final Logger log = LoggerFactory.getLogger(NonMemberFilter.class);
    /**
     * Frames held for the next view at most. A joiner can receive a burst before its first view: the coordinator's
     * clients write to it as soon as the coordinator installed the view (a 4-thread bulk load parked ~1,000 requests),
     * and a request dropped here is never answered, so its caller times out.
     */
    static final int MAX_PARKED = 2_048;
    /** Bytes of frames held for the next view at most: a burst of big frames cannot run the member out of memory. */
    static final long MAX_PARKED_BYTES = 32L << 20;

    private final String memberName;
    private final Supplier<ClusterView> currentView;
    /** Guarded by itself; also the lock under which a new view is published. */
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private long parkedBytes; // guarded by parked
    private final LongAdder rejected = new LongAdder();
    private final ThrottledWarning warning = new ThrottledWarning(log, 10, TimeUnit.SECONDS);

    NonMemberFilter(String memberName, Supplier<ClusterView> currentView) {
        this.memberName = memberName;
        this.currentView = currentView;
    }

    /** Whether the frame in {@code buf} from {@code src} goes on to its handler now; if not, it is parked or dropped. */
    boolean admits(MemberId src, byte type, byte[] buf, int off, int len) {
        ClusterView v = currentView.get();
        if (v != null && v.contains(src)) {
            return true;
        }
        if (Frames.isOneWay(type) || Frames.isRequest(type)) {
            synchronized (parked) {
                v = currentView.get(); // a view published meanwhile has drained the queue: look again under its lock
                if (v != null && v.contains(src)) {
                    return true;
                }
                while (!parked.isEmpty() && (parked.size() >= MAX_PARKED || parkedBytes + len > MAX_PARKED_BYTES)) {
                    Parked oldest = parked.removeFirst();
                    parkedBytes -= oldest.frame.length;
                    reject(oldest.sender, "parked frame");
                }
                parked.addLast(new Parked(src, Arrays.copyOfRange(buf, off, off + len)));
                parkedBytes += len;
            }
            return false;
        }
        reject(src, "reply or frame of type " + type);
        return false;
    }

    /**
     * Publishes {@code next} (through {@code publish}) after handing the parked frames of its members to
     * {@code deliver} (sender, whole frame), so a sender's later messages, which see the new view, queue behind them.
     */
    void publish(ClusterView next, Consumer<ClusterView> publish, BiConsumer<MemberId, byte[]> deliver) {
        synchronized (parked) {
            for (Parked p : parked) {
                if (next.contains(p.sender)) {
                    deliver.accept(p.sender, p.frame);
                } else {
                    reject(p.sender, Frames.isRequest(p.frame[0]) ? "request" : "one-way message");
                }
            }
            parked.clear();
            parkedBytes = 0;
            publish.accept(next);
        }
    }

    /** Frames dropped because their sender was not a member of this member's view, since start. */
    long rejected() {
        return rejected.sum();
    }

    private void reject(MemberId src, String what) {
        rejected.increment();
        ClusterView v = currentView.get();
        warning.warn("{}: dropped a {} from {}, which is not a member of view {}", memberName, what, src,
                v == null ? "(none yet)" : v.viewId());
    }

    private record Parked(MemberId sender, byte[] frame) {
    }
}
