package dev.tessera.grid.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@link dev.tessera.grid.GridConfig#shutdownHook()}, a JVM shutdown (SIGTERM) closes the member like
 * {@code close()}: its partitions are handed over before the process exits. Without it a scale-down that stops two
 * members at once loses every partition whose two replicas they held.
 */
final class LeaveOnJvmShutdown {
    private static final Logger log = LoggerFactory.getLogger(LeaveOnJvmShutdown.class);

    private final String memberName;
    private final Runnable leave;
    private volatile Thread hook;

    LeaveOnJvmShutdown(String memberName, Runnable leave) {
        this.memberName = memberName;
        this.leave = leave;
    }

    void register() {
        Thread h = new Thread(() -> {
            log.info("Member {} leaving: the JVM is shutting down", memberName);
            leave.run();
        }, "tessera-" + memberName + "-leave-on-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(h);
            hook = h;
        } catch (IllegalStateException alreadyShuttingDown) {
            log.debug("Member {} started while the JVM shuts down: no shutdown hook", memberName);
        }
    }

    /** Unless the hook itself is running: a closed member needs no hook, and a test JVM starts thousands. */
    void remove() {
        Thread h = hook;
        if (h == null || Thread.currentThread() == h) {
            return;
        }
        hook = null;
        try {
            Runtime.getRuntime().removeShutdownHook(h);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is shutting down: the hook runs or ran, and finds this member closed
        }
    }
}
