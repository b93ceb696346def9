package dev.tessera.grid.testkit;

/**
 * {@link ClusterFaults} of members that can be paused as a whole ({@code SIGSTOP}: every thread stops, the clock
 * does not, nothing is answered) and resumed ({@code SIGCONT}), which member JVMs can be. An in-process member cannot
 * be paused honestly: its JGroups stack, timers and executors share the test's JVM and keep running, so it would
 * suspect the others and act alone, which is an isolated member ({@link ClusterFaults#isolate}), not a paused one.
 *
 * @param <M> a member of the cluster
 */
public interface PausableFaults<M> extends ClusterFaults<M> {
    /** Stops every thread of {@code member} until {@link #resume}; the others see it fall silent. */
    void pause(M member);

    /** Lets a {@link #pause paused} member run on from where it stopped. */
    void resume(M member);
}
