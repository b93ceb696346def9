package dev.tessera.grid.core.cluster;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridIncompatibleMemberException;
import dev.tessera.grid.core.wire.CompatibilityInfo;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps members that cannot read this member's data out of it. Every member announces the fingerprint of its
 * {@link CompatibilityInfo} (registered types, partition count, wire version) in its address; a member whose
 * fingerprint differs from this one's is <em>refused</em>:
 * <ul>
 * <li>{@link #compatibleView} leaves it out of the view the grid works with, so the coordinator gives it no
 * partition, nobody replicates to it, queries and broadcasts of the grid skip it;</li>
 * <li>{@link #admits} is {@code false} for it: the inbound dispatcher applies none of its messages, except the
 * {@link #isQuery compatibility query}, answered with this member's description so the refused member can name
 * the difference;</li>
 * <li>on the joining side, {@link #checkJoin} compares with the view's coordinator (the cluster) before anything
 * is wired, and fails the start with {@link GridIncompatibleMemberException}.</li>
 * </ul>
 * Two running sides that meet with different fingerprints (a merge) each keep working alone, refusing the other.
 * Refusals are counted; they are logged once per member and at most {@link #LOG_BURST} lines per minute.
 */
public final class MemberCompatibility {
    private static final Logger log = LoggerFactory.getLogger(MemberCompatibility.class);
    /** Refused addresses remembered after they left the view (their late messages are still refused). */
    static final int MAX_REMEMBERED = 4096;
    static final int LOG_BURST = 10;
    private static final long LOG_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final CompatibilityInfo local;
    private final String fingerprint;
    private final Supplier<ClusterView> currentView;
    private final Set<MemberId> refused = ConcurrentHashMap.newKeySet();
    private final ArrayDeque<MemberId> refusedOrder = new ArrayDeque<>(); // guarded by itself
    private final LongAdder refusedMembers = new LongAdder();
    private final LongAdder refusedMessages = new LongAdder();
    private volatile Filtered last = new Filtered(null, null);
    private final TimeSource time;
    private long logWindowStart; // guarded by this
    private int loggedInWindow; // guarded by this
    private int suppressed; // guarded by this

    private record Filtered(ClusterView raw, ClusterView compatible) {}

    /** @param currentView the channel's latest installed view ({@code null} before the channel started) */
    public MemberCompatibility(CompatibilityInfo local, Supplier<ClusterView> currentView, TimeSource time) {
        this.time = time;
        this.logWindowStart = time.nanoTime();
        this.local = Objects.requireNonNull(local, "local");
        this.fingerprint = local.fingerprint();
        this.currentView = currentView;
    }

    /** This member's fingerprint, as announced in its address. */
    public String fingerprint() {
        return fingerprint;
    }

    public CompatibilityInfo local() {
        return local;
    }

    /** Distinct members refused so far (seen in a view with another fingerprint). */
    public long refusedMembers() {
        return refusedMembers.sum();
    }

    /** Messages and requests from refused members that were not applied. */
    public long refusedMessages() {
        return refusedMessages.sum();
    }

    /**
     * The members of {@code raw} that share this member's fingerprint, in view order (the first one is the
     * coordinator the grid follows). Records the others as refused. Cached for the last view: asked on every
     * operation's path.
     */
    public ClusterView compatibleView(ClusterView raw) {
        Filtered f = last;
        if (f.raw == raw) {
            return f.compatible;
        }
        List<MemberInfo> keep = new ArrayList<>(raw.members().size());
        for (MemberInfo m : raw.members()) {
            if (fingerprint.equals(m.compatibility())) {
                keep.add(m);
            } else {
                refuse(m);
            }
        }
        ClusterView compatible = keep.size() == raw.members().size() ? raw
                : keep.isEmpty() ? raw : new ClusterView(raw.viewId(), keep, raw.merge());
        last = new Filtered(raw, compatible);
        return compatible;
    }

    /** Whether a message from {@code sender} may be applied: {@code false} for a refused member. */
    public boolean admits(MemberId sender) {
        ClusterView v = currentView.get();
        if (v != null) {
            compatibleView(v); // a joiner's first message may come before the view reached the grid
        }
        return refused.isEmpty() || !refused.contains(sender);
    }

    /** Counts a message of a refused member that was dropped; the exception is its answer if it was a request. */
    public IllegalStateException dropped(MemberId sender) {
        refusedMessages.increment();
        if (mayLog()) {
            log.warn("Ignored a message from {}, a member refused for an incompatible configuration", sender);
        }
        return new IllegalStateException("this member refuses " + sender + ": its registered types, partition count or"
                + " wire format version differ from the cluster's (fingerprint " + fingerprint + ")");
    }

    /** Whether {@code message} is a compatibility query: answered for any sender, refused or not. */
    public static boolean isQuery(byte[] message) {
        return message != null && message.length > 0 && message[0] == MessageType.COMPATIBILITY.id;
    }

    /**
     * Answers a compatibility query with this member's description, and logs what differs in the asking one.
     *
     * @throws dev.tessera.grid.core.wire.MalformedMessageException if the query cannot be decoded
     */
    public byte[] answer(MemberId sender, byte[] query) {
        CompatibilityInfo theirs = Messages.decode(query, CompatibilityInfo.class);
        List<String> differences = CompatibilityDiff.between(theirs, local);
        if (!differences.isEmpty() && mayLog()) {
            log.warn("Refused member {} ({}): {}", theirs.member(), sender, String.join("; ", differences));
        }
        return local.encode();
    }

    /**
     * On a joining member, before anything is wired: compares this member with the coordinator of its first view
     * and, if their fingerprints differ, asks the coordinator for its description and fails.
     *
     * @param ask sends a request to a member, returns its answer
     * @throws GridIncompatibleMemberException naming each difference (or why they could not be named)
     */
    public void checkJoin(ClusterView view, MemberId self, String clusterName,
                          BiFunction<MemberId, byte[], CompletableFuture<byte[]>> ask, long timeoutMillis) {
        MemberInfo coordinator = view.coordinator();
        if (coordinator.id().equals(self) || fingerprint.equals(coordinator.compatibility())) {
            return;
        }
        String intro = "Member " + local.member() + " cannot join cluster '" + clusterName + "': its data would be"
                + " unreadable to the running members (coordinator " + coordinator.name() + ") or theirs to it, so they"
                + " refused it and it left again. ";
        String fix = ". Start it with the same registerType(...) calls (in any order), versions of those classes and"
                + " partitionCount as the running members and the same Tessera version, or give it its own clusterName.";
        if (coordinator.compatibility() == null) {
            throw new GridIncompatibleMemberException(intro + "The coordinator announces no compatibility fingerprint:"
                    + " it is not a Tessera member of this version" + fix, List.of());
        }
        CompatibilityInfo theirs;
        try {
            byte[] reply = ask.apply(coordinator.id(), local.encode()).get(timeoutMillis, TimeUnit.MILLISECONDS);
            theirs = Messages.decode(reply, CompatibilityInfo.class);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GridIncompatibleMemberException(intro + "Interrupted while asking what differs" + fix, List.of());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new GridIncompatibleMemberException(intro + "Fingerprint " + fingerprint + " here, "
                    + coordinator.compatibility() + " in the cluster; the coordinator could not describe its"
                    + " configuration (" + cause + ")" + fix, List.of());
        }
        List<String> differences = CompatibilityDiff.between(local, theirs);
        String what = differences.isEmpty()
                ? "Fingerprint " + fingerprint + " here, " + coordinator.compatibility() + " in the cluster, but no"
                        + " difference in the described settings: the members run different Tessera versions"
                : "Differences: " + String.join("; ", differences);
        throw new GridIncompatibleMemberException(intro + what + fix, differences);
    }

    private void refuse(MemberInfo m) {
        if (!refused.add(m.id())) {
            return;
        }
        refusedMembers.increment();
        synchronized (refusedOrder) {
            refusedOrder.addLast(m.id());
            if (refusedOrder.size() > MAX_REMEMBERED) {
                refused.remove(refusedOrder.removeFirst());
            }
        }
        if (mayLog()) {
            log.warn("Refusing member {} ({}): its compatibility fingerprint {} differs from this member's {} (registered"
                    + " types, partitionCount or wire format version); it gets no partitions and its messages are"
                    + " ignored", m.name(), m.id(), m.compatibility(), fingerprint);
        }
    }

    /** At most {@link #LOG_BURST} lines a minute; the first line after a quiet spell says how many were left out. */
    private synchronized boolean mayLog() {
        long now = time.nanoTime();
        if (now - logWindowStart > LOG_WINDOW_NANOS) {
            if (suppressed > 0) {
                log.warn("{} refusal log lines were left out in the last minute", suppressed);
            }
            logWindowStart = now;
            loggedInWindow = 0;
            suppressed = 0;
        }
        if (loggedInWindow < LOG_BURST) {
            loggedInWindow++;
            return true;
        }
        suppressed++;
        return false;
    }
}
