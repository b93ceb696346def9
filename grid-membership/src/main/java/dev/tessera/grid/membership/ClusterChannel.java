package dev.tessera.grid.membership;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.Event;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.stack.Protocol;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's JGroups channel: membership views (with each member's name and zone), request/response with ids and
 * timeouts, reliable one-way messages, and fault hooks for tests.
 *
 * <h2>Design</h2>
 * <ul>
 * <li><b>Own correlation ids over a plain {@link Receiver} instead of {@code MessageDispatcher}.</b> In 5.5 the
 * dispatcher's futures ({@code sendMessageWithFuture}) never time out by themselves (the timeout only applies to a
 * blocking {@code get}), failures arrive as JGroups types ({@code SuspectException}, {@code UnreachableException}),
 * remote exceptions are Java-serialized, and completions run on JGroups threads. A 9-byte prefix (type + request id)
 * on a {@link BytesMessage} gives exactly the semantics we promise: our own timeout timer, our exception types, a
 * string-only error reply, and completion on our threads.</li>
 * <li><b>Requests and replies are OOB messages</b> (reliable via UNICAST3, unordered), so they are delivered
 * concurrently; the handler is invoked on this channel's worker pool, never on a JGroups thread, and the reply is sent
 * when its future completes. Nothing blocks waiting for a reply, so mutual and nested requests cannot deadlock.</li>
 * <li><b>Inline requests</b> ({@link RequestOptions#inline()}) are for handlers that never block
 * and whose callers' continuations never block (single-key operations and their backup copies): they skip flow
 * control ({@code NO_FC}; the callers bound what is in flight), the handler runs on the JGroups thread that
 * delivered the request and the reply completes the caller's future on the thread that delivered it. That saves two
 * thread hand-offs on each side of a round trip. On the multi-JVM stack that thread is the transport's own reader
 * ({@link DirectDataPathPolicy}: no hand-off to JGroups' pool either), so a blocking step there would stall all
 * traffic from the sender: everything else keeps the worker hand-offs.</li>
 * <li><b>Forwarded replies</b> ({@link #forwardReply}): a handler may pass a request on to a third member, which
 * answers the caller directly with the caller's request id (a primary's backup answering a write: one hop fewer).
 * The caller accepts such a reply from any member; its request ids are its own, so it cannot be mistaken for
 * another request's.</li>
 * <li><b>One-way messages are regular messages</b> (FIFO per sender via UNICAST3/NAKACK2); on arrival they are queued
 * per sender ({@link SerialExecutor}) and delivered on the worker pool in order.</li>
 * <li><b>Only members are heard</b> ({@link NonMemberFilter}). A frame whose sender is not in this member's current
 * view never reaches a handler: requests and one-way messages wait (a bounded few) for the next view, since a member's
 * frame can overtake the view that admits it, and are dropped unanswered if it does not; replies are dropped at once.
 * Nothing is ever sent to such a sender, so the transport holds nothing to retransmit to a made-up address. Which
 * member may send what is the handlers' check; who may become a member is the stack's (encryption or TLS when
 * security is set).</li>
 * <li><b>Views</b> arrive on a JGroups thread in {@link Receiver#viewAccepted}; we only convert them, fail pending
 * requests to departed members and hand them to a single view thread.</li>
 * <li><b>Name, zone and compatibility fingerprint</b> travel in the member's address ({@link MemberDirectory}).</li>
 * <li><b>Fault hooks</b> ({@link FaultHooks}): a DROP protocol sits right above the transport of every stack;
 * {@link #isolate} changes the set of addresses its filters drop. {@link #crash} uses JGroups' own {@link Util#shutdown(JChannel)}
 * (insert DISCARD(discard_all), install a view with only itself, close) so the others see no LEAVE.</li>
 * </ul>
 * All futures returned by this class complete on this channel's worker threads (or the caller's thread if they fail
 * immediately), never on a JGroups thread.
 *
 * <h2>Parts</h2>
 * This class owns the JChannel, the lifecycle and the threads, and routes each frame; the rest is in its parts:
 * {@link Frames} (the framing), {@link PendingRequests} (request ids, deadlines, completion), {@link NonMemberFilter}
 * (only members are heard), {@link MemberDirectory} (who is who), {@link FaultHooks} (fault injection), and
 * {@link Stacks} (which protocols).
 */
public final class ClusterChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterChannel.class);

    /** How often pending requests are checked against their deadlines: a timeout fires up to this much late. */
    static final long TIMEOUT_SWEEP_MILLIS = 10;
    /** Joins tried by {@link #start} while it ends alone although members of its cluster answer discovery. */
    static final int JOIN_ATTEMPTS = 5;

    private enum State { STARTING, RUNNING, CLOSED, CRASHED }

    private final ChannelSettings settings;
    private final ViewListener viewListener;
    private final RequestHandler requestHandler;
    private final MessageHandler messageHandler;

    private final JChannel channel;
    private final ExecutorService workers;
    private final ExecutorService viewThread;
    private final ScheduledThreadPoolExecutor timer;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

    /**
     * What a {@link RequestHandler} completes its future with when another member answers the request
     * ({@link #forwardReply}): no reply is sent from here. Compared by identity.
     */
    public static final byte[] REPLIED_ELSEWHERE = new byte[0];

    private final LongAdder forwardedReplies = new LongAdder();
    /** Whether inline requests run on the delivering thread: only once the application's handler can answer at once. */
    private volatile boolean inlineReady;
    private final PendingRequests pending;
    private final Semaphore inFlight;
    private final Map<MemberId, SerialExecutor> senderQueues = new ConcurrentHashMap<>();
    private final MemberDirectory directory = new MemberDirectory(() -> this.view);
    private final FaultHooks faults = new FaultHooks();
    private final NonMemberFilter nonMembers;
    private final ThrottledWarning malformedWarning = new ThrottledWarning(log, 10, TimeUnit.SECONDS);
    private volatile ClusterView view;
    private volatile MemberId localId;
    private volatile MemberInfo localMember;

    private ClusterChannel(ChannelSettings settings, ViewListener views, RequestHandler requests,
            MessageHandler messages) throws Exception {
        this.settings = settings;
        this.viewListener = views != null ? views : v -> { };
        this.requestHandler = requests != null ? requests
                : (sender, req) -> CompletableFuture.failedFuture(
                        new UnsupportedOperationException("member " + settings.memberName() + " has no request handler"));
        this.messageHandler = messages != null ? messages : (sender, msg) -> { };
        this.inFlight = new Semaphore(settings.maxInFlightRequests());

        String member = settings.memberName();
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("tessera-" + member + "-worker"));
        this.viewThread = Executors.newSingleThreadExecutor(threads("tessera-" + member + "-views"));
        this.timer = new ScheduledThreadPoolExecutor(1, threads("tessera-" + member + "-timer"));
        this.pending = new PendingRequests(workers);
        this.nonMembers = new NonMemberFilter(member, () -> this.view);
        // one sweep over the (few) pending requests instead of a timer task per request: scheduling and cancelling
        // a task per request cost a lock round trip each on the hottest path
        this.timer.scheduleWithFixedDelay(this::expireRequests, TIMEOUT_SWEEP_MILLIS, TIMEOUT_SWEEP_MILLIS, TimeUnit.MILLISECONDS);

        JChannel ch;
        try {
            ch = Stacks.create(settings);
        } catch (Exception e) {
            shutdownExecutors();
            throw e;
        }
        this.channel = ch;
        try {
            ProtocolStack stack = ch.getProtocolStack();
            faults.install(stack);
            stack.insertProtocolAtTop(new SuspectObserver(this));
        } catch (Exception e) {
            ch.close();
            shutdownExecutors();
            throw e;
        }

        MemberDirectory.announce(ch, settings);
        ch.setReceiver(new ChannelReceiver());
    }

    /**
     * Creates the channel and joins the cluster. Views, requests and messages are delivered to the handlers only
     * after this method returned (the initial view is then the first one the listener sees).
     *
     * @param views    view listener, may be {@code null}
     * @param requests request handler, may be {@code null} (requests to this member then fail remotely)
     * @param messages one-way message handler, may be {@code null}
     * @throws MembershipException if the stack cannot be created or the cluster cannot be joined
     */
    public static ClusterChannel start(ChannelSettings settings, ViewListener views, RequestHandler requests,
            MessageHandler messages) {
        return start(settings, views, requests, messages, ch -> { });
    }

    /**
     * {@link #start}, with {@code beforeConnect} run on each attempt's stack before it connects (tests). A member that
     * ends its join alone while members of its cluster answer its discovery missed them (their answers came after
     * the join timeout, e.g. under load) and would otherwise serve as a second cluster until a merge, CONSISTENT
     * maps included: it connects again, on a new stack (nothing was delivered from the abandoned one).
     */
    static ClusterChannel start(ChannelSettings settings, ViewListener views, RequestHandler requests,
            MessageHandler messages, Consumer<JChannel> beforeConnect) {
        Objects.requireNonNull(settings, "settings");
        for (int attempt = 1; ; attempt++) {
            ClusterChannel c = startOnce(settings, views, requests, messages, beforeConnect, attempt == JOIN_ATTEMPTS);
            if (c != null) {
                return c;
            }
            log.warn("{}: alone after joining cluster '{}' although its members answer discovery; joining again ({} of {})",
                    settings.memberName(), settings.clusterName(), attempt + 1, JOIN_ATTEMPTS);
        }
    }

    /** {@code null}: alone although members answered (not on the last attempt, which fails instead). */
    private static ClusterChannel startOnce(ChannelSettings settings, ViewListener views, RequestHandler requests,
            MessageHandler messages, Consumer<JChannel> beforeConnect, boolean lastAttempt) {
        ClusterChannel c;
        try {
            c = new ClusterChannel(settings, views, requests, messages);
        } catch (Exception e) {
            throw new MembershipException("cannot create the JGroups stack for member '" + settings.memberName()
                    + "' (" + describe(settings.stack()) + "): " + e, e);
        }
        try {
            beforeConnect.accept(c.channel);
            c.channel.connect(settings.clusterName());
            String refused = Stacks.refusalAfterJoin(c.channel, settings);
            if (refused != null) {
                throw new SecurityException(refused);
            }
            if (Stacks.aloneWhileMembersAnswer(c.channel, settings)) {
                if (lastAttempt) {
                    throw new IllegalStateException("alone after " + JOIN_ATTEMPTS
                            + " joins although members of the cluster answer discovery");
                }
                c.abandon();
                return null;
            }
            c.localMember = c.directory.memberInfo(c.channel.getAddress());
            c.localId = c.localMember.id();
            if (c.view == null) {
                View v = c.channel.getView();
                if (v == null) {
                    throw new IllegalStateException("connected without a view");
                }
                c.onJGroupsView(v);
            }
            c.state.set(State.RUNNING);
            c.started.countDown();
            log.info("{} joined cluster '{}' ({}): {}", c.localMember, settings.clusterName(),
                    describe(settings.stack()), c.view);
            return c;
        } catch (Exception e) {
            c.abandon();
            SecurityException refused = securityCause(e);
            if (refused != null) { // AUTH / JoinGuard: members were found, but they refused us (or we them)
                throw new MembershipSecurityException("member '" + settings.memberName() + "' could not join cluster '"
                        + settings.clusterName() + "' (" + describe(settings.stack()) + "): " + refused.getMessage(), e);
            }
            throw new MembershipException("member '" + settings.memberName() + "' could not join cluster '"
                    + settings.clusterName() + "' (" + describe(settings.stack()) + "): " + e, e);
        }
    }

    /** Closes a stack that never started: its handlers never see anything from it. */
    private void abandon() {
        state.set(State.CLOSED);
        started.countDown();
        try {
            channel.close();
        } catch (RuntimeException ignored) {
            // already failing
        }
        shutdownExecutors();
    }

    private static SecurityException securityCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SecurityException se) {
                return se;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    public MemberId localId() {
        return localId;
    }

    public MemberInfo localMember() {
        return localMember;
    }

    /** The latest installed view (it may be newer than the one the {@link ViewListener} is processing). */
    public ClusterView currentView() {
        return view;
    }

    public ChannelSettings settings() {
        return settings;
    }

    /** {@code true} if this member is the coordinator of the current view. */
    public boolean isCoordinator() {
        ClusterView v = view;
        return v != null && v.coordinator().id().equals(localId);
    }

    /** {@code true} until {@link #close()} or {@link #crash()}. */
    public boolean isOpen() {
        State s = state.get();
        return s == State.RUNNING || s == State.STARTING;
    }

    /** Number of requests awaiting a reply (bounded and unbounded). */
    public int pendingRequests() {
        return pending.size();
    }

    /** Frames dropped because their sender was not a member of this member's view, since start. */
    public long rejectedFromNonMembers() {
        return nonMembers.rejected();
    }

    /**
     * The shortest silence after which this stack's heartbeat failure detection ({@code FD_ALL3}, or another
     * {@link org.jgroups.protocols.FailureDetection}) may suspect a member: its timeout minus one check interval, since
     * its bitmap counts time in intervals. {@code -1} if the stack has no heartbeat failure detection.
     */
    public long minimumSuspectMillis() {
        org.jgroups.protocols.FailureDetection fd = channel.getProtocolStack().findProtocol(org.jgroups.protocols.FailureDetection.class);
        return fd == null ? -1 : fd.getTimeout() - fd.getInterval();
    }

    /** The underlying JChannel, for diagnostics only: do not send on it or replace its receiver. */
    public JChannel jgroupsChannel() {
        return channel;
    }

    // ------------------------------------------------------------------------------------------------ requests

    /**
     * Sends {@code payload} to {@code target} and returns a future for its reply. The future fails with
     * {@link RequestTimeoutException} after the timeout, with {@link MemberUnreachableException} if the target is not in
     * the current view or leaves it (or is suspected) before replying, with {@link RemoteRequestException} if the
     * target's handler failed, and with {@link MembershipException} if this channel is or gets closed. A request to the
     * local address is handled locally (same semantics, no network). Never blocks, unless {@link RequestOptions#bounded() bounded}:
     * then at most {@code maxInFlightRequests} such requests await replies at a time, the caller blocks up to the
     * timeout for a permit (otherwise the future fails with {@link RequestTimeoutException}, "too many requests in
     * flight ...") and the request gets what is left of the timeout.
     */
    public CompletableFuture<byte[]> request(MemberId target, byte[] payload, RequestOptions options) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(options, "options");
        if (!options.bounded()) {
            return send(target, payload, options.timeoutMillis(), options.inline());
        }
        long timeoutMillis = options.timeoutMillis();
        long startNanos = System.nanoTime();
        boolean acquired;
        try {
            acquired = inFlight.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(
                    new MembershipException("interrupted while waiting for a request permit", e));
        }
        if (!acquired) {
            return CompletableFuture.failedFuture(new RequestTimeoutException("too many requests in flight (max "
                    + settings.maxInFlightRequests() + "): no permit within " + timeoutMillis
                    + " ms for a request to " + directory.nameOf(target)));
        }
        long remaining = timeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        CompletableFuture<byte[]> f;
        try {
            f = send(target, payload, Math.max(1, remaining), options.inline());
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
        f.whenComplete((r, e) -> inFlight.release());
        return f;
    }

    private CompletableFuture<byte[]> send(MemberId target, byte[] payload, long timeoutMillis, boolean inline) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(closedException());
        }
        PendingRequests.Pending p = pending.register(target, timeoutMillis, inline);
        long id = p.id;
        if (timer.isShutdown()) { // the sweeper that times requests out is gone
            pending.failNow(p, closedException());
            return p.future;
        }
        if (target.equals(localId)) {
            runOnWorker(() -> invokeHandler(target, id, payload, (r, e) -> onReply(p, r, e)));
            return p.future;
        }
        // checked after registering: a concurrent view change either sees p or we see the new view
        ClusterView v = view;
        if (v == null || !v.contains(target)) {
            pending.failNow(p, new MemberUnreachableException(target, "member " + directory.nameOf(target)
                    + " is not in the current view " + (v == null ? "(none)" : v.viewId())));
            return p.future;
        }
        if (!isOpen()) {
            pending.failNow(p, closedException());
            return p.future;
        }
        try {
            Message msg = inline
                    ? new BytesMessage(target.address(), Frames.frame(Frames.REQUEST_INLINE, id, payload)).setFlag(Message.Flag.OOB, Message.Flag.NO_FC, DirectDataPathPolicy.MARKER)
                    : new BytesMessage(target.address(), Frames.frame(Frames.REQUEST, id, payload)).setFlag(Message.Flag.OOB);
            channel.send(msg);
        } catch (Exception e) {
            pending.failNow(p, isOpen()
                    ? new MemberUnreachableException(target, "cannot send request to " + directory.nameOf(target) + ": " + e)
                    : closedException());
        }
        return p.future;
    }

    /**
     * Lets inline requests run on the delivering thread from now on. Until the application calls this (once its
     * request handler never waits, e.g. for its own start-up to finish), they are handed to the worker pool.
     */
    public void enableInlineRequests() {
        inlineReady = true;
    }

    /** Permits currently available to {@link #requestBounded}. */
    public int availableRequestPermits() {
        return inFlight.availablePermits();
    }

    // ------------------------------------------------------------------------------------------------ one-way

    /**
     * One-way message, reliable and FIFO for this sender/receiver pair. May block briefly under flow control.
     *
     * @throws MemberUnreachableException if {@code target} is not in the current view
     * @throws MembershipException        if the channel is closed or the send fails
     */
    public void send(MemberId target, byte[] payload) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(payload, "payload");
        ensureOpen();
        if (target.equals(localId)) {
            MemberId self = localId;
            queueFor(self).execute(() -> deliverMessage(self, payload));
            return;
        }
        ClusterView v = view;
        if (v == null || !v.contains(target)) {
            throw new MemberUnreachableException(target, "member " + directory.nameOf(target) + " is not in the current view "
                    + (v == null ? "(none)" : v.viewId()));
        }
        doSend(new BytesMessage(target.address(), Frames.frame(Frames.MESSAGE, payload)));
    }

    /**
     * One-way message to every member of the current view except this one; reliable, FIFO from this sender (FIFO
     * holds among broadcasts, not between a broadcast and a {@link #send}).
     *
     * @throws MembershipException if the channel is closed or the send fails
     */
    public void broadcast(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        ensureOpen();
        Message msg = new BytesMessage(null, Frames.frame(Frames.BROADCAST, payload));
        msg.setFlag(Message.TransientFlag.DONT_LOOPBACK);
        doSend(msg);
    }

    /**
     * Answers request {@code requestId} of {@code caller} on behalf of the member the caller sent it to, which
     * passed the request on to this member and completed its own handler's future with {@link #REPLIED_ELSEWHERE}.
     * The caller completes with {@code reply} as if the target had sent it, on the thread that delivers it (like
     * an inline reply); a reply to a request the caller no longer waits for is dropped there. Never blocks, never
     * throws: a reply that cannot be sent is the target's timeout or view change to handle, as for any lost reply.
     */
    public void forwardReply(MemberId caller, long requestId, byte[] reply) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(reply, "reply");
        if (!delivering()) {
            return;
        }
        byte[] frame = Frames.frame(Frames.REPLY_FORWARDED, requestId, reply);
        if (caller.equals(localId)) {
            onReplyMessage(caller, Frames.REPLY_FORWARDED, frame, 0, frame.length);
            return;
        }
        try {
            channel.send(new BytesMessage(caller.address(), frame).setFlag(Message.Flag.OOB, Message.Flag.NO_FC, DirectDataPathPolicy.MARKER));
        } catch (Exception e) {
            log.debug("{}: cannot forward reply {} to {}: {}", settings.memberName(), requestId, directory.nameOf(caller), e.toString());
        }
    }

    /** Replies received from a member other than the request's target ({@link #forwardReply}), since start. */
    public long forwardedRepliesReceived() {
        return forwardedReplies.sum();
    }

    private void doSend(Message msg) {
        try {
            channel.send(msg);
        } catch (Exception e) {
            if (!isOpen()) {
                throw closedException();
            }
            throw new MembershipException("cannot send to " + (msg.getDest() == null ? "all" : directory.nameOf(MemberId.of(msg.getDest())))
                    + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Graceful leave: the others install a view without this member at once. Idempotent. */
    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.CLOSED) && !state.compareAndSet(State.STARTING, State.CLOSED)) {
            return;
        }
        log.info("{} leaving cluster '{}'", localMember, settings.clusterName());
        started.countDown();
        try {
            channel.close();
        } catch (RuntimeException e) {
            log.warn("{}: error while closing the channel", localMember, e);
        }
        releaseLocalResources("channel of " + settings.memberName() + " closed");
    }

    /**
     * Test hook simulating {@code kill -9}: all traffic in and out is dropped at once, handlers get nothing more, and
     * resources are released without a LEAVE, so the others notice only through failure detection. Idempotent; a
     * no-op after {@link #close()}.
     */
    public void crash() {
        if (!state.compareAndSet(State.RUNNING, State.CRASHED) && !state.compareAndSet(State.STARTING, State.CRASHED)) {
            return;
        }
        faults.dropEverything();
        log.info("{} crashing (simulated kill -9)", localMember);
        started.countDown();
        try {
            Util.shutdown(channel);
        } catch (Exception e) {
            log.warn("{}: error in simulated crash, closing", localMember, e);
            try {
                channel.close();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        releaseLocalResources("channel of " + settings.memberName() + " crashed");
    }

    /**
     * Fault hook: drop all traffic to and from these members (until changed); {@code isolate(Set.of())} heals.
     * Messages are dropped right above the transport, so failure detection sees them missing. Multicasts cannot be
     * dropped per destination on the sending side, so a symmetric split needs every member on both sides to call
     * this (see {@link #partition(List)}).
     */
    public void isolate(Set<MemberId> unreachableMembers) {
        Set<MemberId> set = new HashSet<>(unreachableMembers);
        set.remove(localId);
        faults.isolate(set);
        log.info("{} isolated from {}", localMember, set);
    }

    /** The members {@link #isolate} currently drops traffic to/from. */
    public Set<MemberId> isolatedFrom() {
        return faults.isolated();
    }

    /**
     * Test helper: splits these channels into the given sides; each channel drops traffic from/to every channel of
     * the other sides. Heal with {@link #healAll(Collection)}.
     */
    public static void partition(List<? extends Collection<ClusterChannel>> sides) {
        for (Collection<ClusterChannel> side : sides) {
            Set<MemberId> others = new HashSet<>();
            for (Collection<ClusterChannel> other : sides) {
                if (other != side) {
                    other.forEach(c -> others.add(c.localId()));
                }
            }
            side.forEach(c -> c.isolate(others));
        }
    }

    /** Test helper: {@code isolate(Set.of())} on each channel. */
    public static void healAll(Collection<ClusterChannel> channels) {
        channels.forEach(c -> c.isolate(Set.of()));
    }

    @Override
    public String toString() {
        return "ClusterChannel[" + settings.memberName() + ", " + state.get() + ", " + view + "]";
    }

    // ------------------------------------------------------------------------------------------------ internals

    private void releaseLocalResources(String reason) {
        pending.failWhere(p -> true, p -> new MembershipException(reason));
        senderQueues.clear();
        shutdownExecutors();
    }

    private void shutdownExecutors() {
        timer.shutdownNow();
        viewThread.shutdown();
        workers.shutdown();
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw closedException();
        }
    }

    private MembershipException closedException() {
        return new MembershipException("channel of " + settings.memberName() + " is "
                + state.get().name().toLowerCase());
    }

    private void awaitStarted() {
        if (started.getCount() == 0) {
            return;
        }
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean delivering() {
        return state.get() == State.RUNNING;
    }

    private void runOnWorker(Runnable r) {
        try {
            workers.execute(r);
        } catch (RejectedExecutionException e) {
            log.debug("{}: dropped a task, channel is shutting down", settings.memberName());
        }
    }

    /** Invokes the request handler on the current (worker) thread and passes its outcome to {@code reply}. */
    private void invokeHandler(MemberId sender, long id, byte[] payload, java.util.function.BiConsumer<byte[], Throwable> reply) {
        awaitStarted();
        if (!delivering()) {
            return;
        }
        CompletableFuture<byte[]> f;
        try {
            f = requestHandler.handle(sender, id, payload);
            if (f == null) {
                f = CompletableFuture.failedFuture(new IllegalStateException("request handler returned null"));
            }
        } catch (Throwable t) {
            f = CompletableFuture.failedFuture(t);
        }
        f.whenComplete(reply);
    }

    private void sendReply(MemberId to, long id, byte[] result, Throwable error) {
        sendReply(to, id, result, error, false);
    }

    private void sendReply(MemberId to, long id, byte[] result, Throwable error, boolean inline) {
        if (!delivering() || (error == null && result == REPLIED_ELSEWHERE)) {
            return;
        }
        byte[] frame;
        if (error != null) {
            Throwable cause = unwrap(error);
            frame = Frames.errorFrame(id, cause);
            log.debug("{}: request {} from {} failed: {}", settings.memberName(), id, directory.nameOf(to), cause.toString());
        } else if (result == null) {
            frame = Frames.frame(Frames.REPLY_NULL, id, new byte[0]);
        } else {
            frame = Frames.frame(inline ? Frames.REPLY_INLINE : Frames.REPLY, id, result);
        }
        try {
            Message reply = new BytesMessage(to.address(), frame).setFlag(Message.Flag.OOB);
            channel.send(inline ? reply.setFlag(Message.Flag.NO_FC, DirectDataPathPolicy.MARKER) : reply);
        } catch (Exception e) {
            log.debug("{}: cannot send reply {} to {}: {}", settings.memberName(), id, directory.nameOf(to), e.toString());
        }
    }

    private void onReply(PendingRequests.Pending p, byte[] result, Throwable error) {
        if (error == null && result == REPLIED_ELSEWHERE) {
            return; // another member answers us with forwardReply
        }
        if (error != null) {
            Throwable cause = unwrap(error);
            String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
            pending.fail(p, new RemoteRequestException(p.target, cause.getClass().getName(), message));
        } else {
            pending.complete(p, result);
        }
    }

    /** Fails every pending request whose deadline passed (runs every {@link #TIMEOUT_SWEEP_MILLIS}). */
    private void expireRequests() {
        try {
            pending.expire(p -> new RequestTimeoutException("request " + p.id + " to " + directory.nameOf(p.target)
                    + " timed out after " + p.timeoutMillis + " ms"));
        } catch (RuntimeException e) {
            log.warn("{}: failed to time out requests: {}", settings.memberName(), e.toString());
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private SerialExecutor queueFor(MemberId sender) {
        return senderQueues.computeIfAbsent(sender, a -> new SerialExecutor(workers));
    }

    private void deliverMessage(MemberId sender, byte[] body) {
        awaitStarted();
        if (!delivering()) {
            return;
        }
        messageHandler.onMessage(sender, body);
    }

    /** Called on a JGroups thread: no blocking, no sending. */
    private void onJGroupsView(View v) {
        State s = state.get();
        if (s == State.CLOSED || s == State.CRASHED) {
            return;
        }
        ClusterView cv = directory.toClusterView(v);
        nonMembers.publish(cv, published -> view = published, (sender, frame) -> dispatch(sender, frame, 0, frame.length));
        pending.failWhere(p -> !p.target.equals(localId) && !cv.contains(p.target),
                p -> new MemberUnreachableException(p.target, "member " + directory.nameOf(p.target)
                        + " left the view before replying to request " + p.id + " (view " + cv.viewId() + ")"));
        senderQueues.keySet().removeIf(a -> !cv.contains(a));
        directory.retainMembersOf(cv);
        try {
            viewThread.execute(() -> deliverView(cv));
        } catch (RejectedExecutionException e) {
            log.debug("{}: view {} not delivered, channel is shutting down", settings.memberName(), cv.viewId());
        }
    }

    private void deliverView(ClusterView cv) {
        awaitStarted();
        if (!delivering()) {
            return;
        }
        log.debug("{}: delivering {}", settings.memberName(), cv);
        try {
            viewListener.onView(cv);
        } catch (Throwable t) {
            log.warn("{}: view listener failed on {}", settings.memberName(), cv, t);
        }
    }

    /** Called on a JGroups thread when VERIFY_SUSPECT2 confirmed a suspicion: fail requests to those members. */
    void onSuspect(Collection<MemberId> suspects) {
        pending.failWhere(p -> suspects.contains(p.target) && !p.target.equals(localId),
                p -> new MemberUnreachableException(p.target, "member " + directory.nameOf(p.target)
                        + " was suspected before replying to request " + p.id));
    }

    static String describe(StackConfig stack) {
        if (stack instanceof StackConfig.InProcess) {
            return "in-process stack";
        }
        if (stack instanceof StackConfig.Tcp t) {
            return "TCP on " + t.bindHost() + ":" + t.bindPort() + (t.portRange() > 0 ? "+" + t.portRange() : "")
                    + (t.dns() != null ? ", DNS_PING " + t.dns().recordType() + " " + t.dns().query()
                            : t.discoveryFolder() == null ? ", TCPPING " + t.initialHosts()
                            : ", FILE_PING " + t.discoveryFolder());
        }
        if (stack instanceof StackConfig.Xml x) {
            return "JGroups config " + x.location();
        }
        return String.valueOf(stack);
    }

    private void onMessage(Message msg) {
        if (!isOpen()) {
            return;
        }
        MemberId src = MemberId.of(msg.getSrc());
        byte[] buf = msg.getArray();
        int off = msg.getOffset();
        int len = msg.getLength();
        if (src == null || buf == null || len < 1) {
            malformedWarning.warn("{}: dropped an empty or source-less message from {}", settings.memberName(), src);
            return;
        }
        if (nonMembers.admits(src, buf[off], buf, off, len)) {
            dispatch(src, buf, off, len);
        }
    }

    /** Hands a frame from a member of the view to its handler. */
    private void dispatch(MemberId src, byte[] buf, int off, int len) {
        byte type = buf[off];
        try {
            switch (type) {
                case Frames.REQUEST -> {
                    long id = Frames.readId(buf, off, len);
                    byte[] body = Arrays.copyOfRange(buf, off + Frames.ID_HEADER, off + len);
                    runOnWorker(() -> invokeHandler(src, id, body, (r, e) -> sendReply(src, id, r, e)));
                }
                case Frames.REQUEST_INLINE -> {
                    long id = Frames.readId(buf, off, len);
                    byte[] body = Arrays.copyOfRange(buf, off + Frames.ID_HEADER, off + len);
                    if (inlineReady) {
                        invokeHandler(src, id, body, (r, e) -> sendReply(src, id, r, e, true));
                    } else { // the handler may still wait for the application to finish starting: not on a JGroups thread
                        runOnWorker(() -> invokeHandler(src, id, body, (r, e) -> sendReply(src, id, r, e, true)));
                    }
                }
                case Frames.REPLY, Frames.REPLY_INLINE, Frames.REPLY_NULL, Frames.REPLY_ERROR, Frames.REPLY_FORWARDED -> onReplyMessage(src, type, buf, off, len);
                case Frames.MESSAGE, Frames.BROADCAST -> {
                    if (src.equals(localId)) {
                        return; // our own broadcast looped back
                    }
                    byte[] body = Arrays.copyOfRange(buf, off + 1, off + len);
                    queueFor(src).execute(() -> deliverMessage(src, body));
                }
                default -> malformedWarning.warn("{}: dropped a message of unknown type {} from {}", settings.memberName(), type,
                        directory.nameOf(src));
            }
        } catch (RuntimeException e) {
            malformedWarning.warn("{}: dropped a malformed message from {}: {}", settings.memberName(), directory.nameOf(src), e.toString());
        }
    }

    private void onReplyMessage(MemberId src, byte type, byte[] buf, int off, int len) {
        long id = Frames.readId(buf, off, len);
        PendingRequests.Pending p = pending.get(id);
        if (p == null) {
            log.debug("{}: late or unknown reply {} from {}", settings.memberName(), id, directory.nameOf(src));
            return;
        }
        if (type == Frames.REPLY_FORWARDED) { // from the member the target passed the request on to
            forwardedReplies.increment();
            pending.complete(p, Arrays.copyOfRange(buf, off + Frames.ID_HEADER, off + len));
            return;
        }
        if (!p.target.equals(src)) {
            malformedWarning.warn("{}: reply {} came from {} but the request went to {}; ignored", settings.memberName(), id,
                    directory.nameOf(src), directory.nameOf(p.target));
            return;
        }
        switch (type) {
            case Frames.REPLY, Frames.REPLY_INLINE -> pending.complete(p, Arrays.copyOfRange(buf, off + Frames.ID_HEADER, off + len));
            case Frames.REPLY_NULL -> pending.complete(p, null);
            default -> {
                String[] error = Frames.readError(buf, off, len);
                pending.fail(p, new RemoteRequestException(src, error[0], error[1]));
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------------------------------------ nested types

    private final class ChannelReceiver implements Receiver {
        @Override
        public void receive(Message msg) {
            onMessage(msg);
        }

        @Override
        public void viewAccepted(View v) {
            onJGroupsView(v);
        }
    }

    /**
     * Sits at the top of the stack and sees the SUSPECT events GMS passes up once VERIFY_SUSPECT2 confirmed a
     * suspicion, so requests to a dead member fail even before the coordinator installs the next view.
     */
    static final class SuspectObserver extends Protocol {
        private final ClusterChannel owner;

        SuspectObserver(ClusterChannel owner) {
            this.owner = owner;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object up(Event evt) {
            if (evt.getType() == Event.SUSPECT) {
                Object arg = evt.getArg();
                try {
                    if (arg instanceof Collection<?> c) {
                        owner.onSuspect(((Collection<Address>) c).stream().map(MemberId::of).toList());
                    } else if (arg instanceof Address a) {
                        owner.onSuspect(List.of(MemberId.of(a)));
                    }
                } catch (RuntimeException e) {
                    log.debug("suspect handling failed", e);
                }
            }
            return up_prot.up(evt);
        }
    }
}
