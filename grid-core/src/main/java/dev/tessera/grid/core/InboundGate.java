package dev.tessera.grid.core;

import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MessageHandler;
import dev.tessera.grid.membership.RequestHandler;
import dev.tessera.grid.membership.ViewListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The channel's handlers, started before the member is assembled (its own id is known only once the channel runs):
 * views, requests and messages wait here until {@link #open} hands them the assembled member's dispatchers, once, and
 * are dropped once the member is closed. A refused joiner is closed before it opens: it applies nothing.
 */
final class InboundGate implements ViewListener, RequestHandler, MessageHandler {
    private static final long WAIT_SECONDS = 30;

    private final MemberLifecycle lifecycle;
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile Route route;

    private record Route(ViewDispatcher views, InboundDispatcher inbound) {}

    InboundGate(MemberLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Lets inbound traffic through to the assembled member; called once. */
    void open(ViewDispatcher views, InboundDispatcher inbound) {
        if (route != null) {
            throw new IllegalStateException("the inbound gate is open already");
        }
        route = new Route(views, inbound);
        opened.countDown();
    }

    /** Releases the handlers parked before {@link #open} (the member is closed: they return without effect). */
    void release() {
        opened.countDown();
    }

    @Override
    public void onView(ClusterView view) {
        Route r = awaitRoute();
        if (r != null) {
            r.views().onView(view);
        }
    }

    @Override
    public CompletableFuture<byte[]> handle(MemberId sender, byte[] request) {
        throw new IllegalStateException("unreachable: the channel passes request ids");
    }

    @Override
    public CompletableFuture<byte[]> handle(MemberId sender, long requestId, byte[] request) {
        Route r = awaitRoute();
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("member is not running"));
        }
        return r.inbound().onRequest(sender, requestId, request);
    }

    @Override
    public void onMessage(MemberId sender, byte[] message) {
        Route r = awaitRoute();
        if (r != null) {
            r.inbound().onMessage(sender, message);
        }
    }

    /** The route once open, or {@code null} if the member closed (or did not open within the wait). */
    private Route awaitRoute() {
        try {
            return opened.await(WAIT_SECONDS, TimeUnit.SECONDS) && !lifecycle.isClosed() ? route : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
