package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridUnavailableException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.protocols.DROP;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CONSISTENT write in flight at a primary that stops (SIGSTOP, a long GC) after its backup applied the copy and
 * before the primary answered (issue 16, the non-linearizable key of PauseTest). The caller's request fails when the
 * view drops the primary; the backup is promoted holding the write, serves it, and takes a later write. A retry of
 * the first write at the new primary would apply it a second time, after the later one: the key would go back to a
 * value that readers had already seen replaced, a history no order of the two writes explains.
 */
class InFlightWriteAtStoppedPrimaryTest {
    private static final Logger log = LoggerFactory.getLogger(InFlightWriteAtStoppedPrimaryTest.class);
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();

    @Test
    void writeAppliedByAStoppedPrimary_isNotAppliedAgainAfterALaterWrite() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid backup = cluster.member(0); // the coordinator: it promotes itself without waiting for anyone
            TesseraGrid writer = cluster.member(1);
            TesseraGrid stopped = cluster.member(2);
            GridMap<String, String> onBackup = backup.map("cp", CONSISTENT);
            GridMap<String, String> onWriter = writer.map("cp", CONSISTENT);
            String key = keyOwnedBy(onBackup, backup, stopped.topology().self(), backup.topology().self());
            onBackup.put(key, "a");
            String versionOfA = backup.describeLocal("cp", key);

            // The stop: from now on the primary sends nothing but its frames to the backup (so the copy of the next
            // write gets there, in order); its answer to the writer is lost. Once the copy is applied, nothing at all.
            Address backupAddress = backup.channel().jgroupsChannel().getAddress();
            DROP stop = dropOutgoing(stopped);
            stop.addDownFilter(m -> !(m instanceof BytesMessage && backupAddress.equals(m.getDest())));
            CompletableFuture<Void> first = onWriter.setAsync(key, "b");
            await("the backup applied the copy of b").atMost(Duration.ofSeconds(10))
                    .until(() -> !backup.describeLocal("cp", key).equals(versionOfA));
            stop.clearAllFilters();
            stop.addDownFilter(m -> true);
            // The writer's retry, if any, comes later than the new primary's own reads and writes (a backoff, a busy
            // scheduler): hold the writer's scheduler, which runs its retries.
            CountDownLatch release = hold(writer);
            try {
                await("the others dropped the stopped primary").atMost(Duration.ofSeconds(30))
                        .until(() -> backup.members().size() == 2 && writer.members().size() == 2);
                await("the backup is promoted").atMost(Duration.ofSeconds(30))
                        .until(() -> backup.topology().self().equals(backup.topology().table().primary(onBackup.partitionOf(key))));
                String r1 = onBackup.get(key);
                onBackup.set(key, "c");
                String r2 = onBackup.get(key);
                assertThat(List.of(r1, r2)).as("reads at the new primary before and after the later write").containsExactly("b", "c");
            } finally {
                release.countDown();
            }
            String outcome;
            try {
                first.get(30, TimeUnit.SECONDS);
                outcome = "acknowledged";
            } catch (ExecutionException e) {
                outcome = e.getCause().toString();
                assertThat(e.getCause()).isInstanceOf(GridUnavailableException.class);
                assertThat(((GridUnavailableException) e.getCause()).mayHaveBeenApplied()).isTrue();
            }
            String r3 = onBackup.get(key);
            log.info("the first write of b: {}; the key after it: {}", outcome, r3);
            assertThat(r3).as("the key after c was acknowledged and read, b's write having ended " + outcome).isEqualTo("c");

            stop.clearAllFilters(); // the stopped member resumes and merges back
            stopped.channel().jgroupsChannel().getProtocolStack().removeProtocol(stop);
            await("merged back").atMost(Duration.ofSeconds(60)).until(() -> cluster.members().stream()
                    .allMatch(g -> g.members().size() == 3));
            cluster.awaitStable();
            assertThat(stopped.<String, String>map("cp", CONSISTENT).get(key)).as("read at the resumed member").isEqualTo("c");
        }
    }

    /** A key of {@code map} whose partition has {@code primary} and then {@code backup} as owners. */
    private static String keyOwnedBy(GridMap<String, String> map, TesseraGrid g, MemberId primary, MemberId backup) {
        for (int i = 0; ; i++) {
            String k = "k" + i;
            List<MemberId> owners = g.topology().table().owners(map.partitionOf(k));
            if (owners.size() >= 2 && owners.get(0).equals(primary) && owners.get(1).equals(backup)) {
                return k;
            }
        }
    }

    /** Occupies both threads of {@code g}'s scheduler until the returned latch is counted down. */
    private static CountDownLatch hold(TesseraGrid g) throws Exception {
        ScheduledExecutorService scheduler = g.scheduler();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            scheduler.execute(() -> {
                held.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(held.await(10, TimeUnit.SECONDS)).as("the scheduler's two threads held").isTrue();
        return release;
    }

    private static DROP dropOutgoing(TesseraGrid g) {
        DROP drop = new DROP();
        try {
            g.channel().jgroupsChannel().getProtocolStack().insertProtocol(drop, ProtocolStack.Position.ABOVE, TP.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return drop;
    }
}
