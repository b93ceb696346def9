package dev.tessera.grid.core;

/**
 * Where a member is in its life: starting, running, leaving (handing its partitions over), closed. Operations run while
 * it is running; membership queries until it is closed; routed operations retry while it is running or leaving.
 */
final class MemberLifecycle {
    enum State { STARTING, RUNNING, LEAVING, CLOSED }

    private final String memberName;
    private volatile State state = State.STARTING;

    MemberLifecycle(String memberName) {
        this.memberName = memberName;
    }

    void running() {
        state = State.RUNNING;
    }

    /** Moves a running member to leaving; {@code false} if it was not running (a second close, or one during start). */
    synchronized boolean beginLeave() {
        if (state != State.RUNNING) {
            return false;
        }
        state = State.LEAVING;
        return true;
    }

    void closed() {
        state = State.CLOSED;
    }

    boolean isRunning() {
        return state == State.RUNNING;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Whether operations this member routes may still be retried: until it has handed its partitions over. */
    boolean routesOperations() {
        State s = state;
        return s == State.RUNNING || s == State.LEAVING;
    }

    void ensureOpen() {
        State s = state;
        if (s != State.RUNNING) {
            throw new IllegalStateException("Grid member " + memberName + " is " + s.name().toLowerCase()
                    + "; start a new one with Grid.builder()...start()");
        }
    }

    /** For the membership queries, which stay readable while the member hands its partitions over. */
    void ensureNotClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Grid member " + memberName
                    + " is closed; start a new one with Grid.builder()...start()");
        }
    }
}
