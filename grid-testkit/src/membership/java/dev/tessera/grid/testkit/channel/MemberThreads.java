package dev.tessera.grid.testkit.channel;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The threads one member started ({@code tessera-<member>-...}: its channel's and, for a grid member, the grid's),
 * and the check that they ended once it stopped: what {@link ChannelCluster} and the grid's {@code TestCluster} check
 * when they close.
 */
public final class MemberThreads {
    private MemberThreads() {}

    /**
     * The threads member {@code name} started while it started (named {@code tessera-<name>-...}, alive now, not in
     * {@code before}); members start one at a time, so these are its threads even when another cluster of the same
     * test has a member of the same name.
     */
    public static Set<Thread> startedBy(String name, Set<Thread> before) {
        Set<Thread> out = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("tessera-" + name + "-")) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Awaits the end of {@code threads}, which stopped members started.
     *
     * @throws AssertionError naming those still alive after 10 s
     */
    public static void awaitEnded(Set<Thread> threads) {
        AtomicReference<List<String>> alive = new AtomicReference<>(List.of()); // written by Awaitility's poll thread
        try {
            await("member threads ended").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        alive.set(threads.stream().filter(Thread::isAlive).map(Thread::getName).toList());
                        return alive.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("threads of stopped members still alive: " + alive.get(), e);
        }
    }
}
