package dev.tessera.grid.testkit;

import java.util.Collection;
import java.util.List;

/**
 * The faults a test does to a cluster, the same verbs whatever runs the members: channels in this JVM
 * ({@link dev.tessera.grid.testkit.channel.ChannelCluster}), grid members in this JVM ({@link TestCluster}), member
 * JVMs (chaos-tests' {@code ChaosCluster}, ops-tests' {@code DemoCluster}). {@code M} is how that cluster names one
 * member. Members that can also be paused (a stopped process) implement {@link PausableFaults}.
 *
 * @param <M> a member of the cluster
 */
public interface ClusterFaults<M> {
    /** Stops {@code member} as {@code kill -9} would: no goodbye, the others learn of it by failure detection. */
    void crash(M member);

    /** Stops {@code member} gracefully: it leaves the view (a grid member hands its partitions over first). */
    void leave(M member);

    /**
     * {@code member} drops all traffic to and from each of {@code from}, in both directions, as a network partition
     * would, until {@link #heal()}. Replaces what an earlier isolate or split set on {@code member}.
     */
    void isolate(M member, Collection<M> from);

    /**
     * Cuts the cluster into {@code sides}: every member of a side drops all traffic to and from every member of the
     * other sides, until {@link #heal()}. A member on no side keeps talking to everyone.
     */
    void split(List<? extends Collection<M>> sides);

    /** Lets all traffic through again between every running member. */
    void heal();
}
