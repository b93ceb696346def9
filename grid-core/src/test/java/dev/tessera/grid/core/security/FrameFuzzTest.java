package dev.tessera.grid.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.testkit.Heap;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.core.wire.EventMessages;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.QueryMessages;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.membership.RequestOptions;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes from a member of the view (the hardest sender: the channel's membership check lets it through):
 * 10,000 random frames and 10,000 mutations of well-formed control, replica and query messages, sent one-way and
 * as requests. The target stays up, answers, keeps every entry, and its threads, heap and log stay bounded.
 * (Frames from outside the view never get this far: {@link NonMemberFramesTest}.)
 */
class FrameFuzzTest {
    private static final int ENTRIES = 1_000;
    private static final int FRAMES = 10_000;
    private static TestCluster cluster;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3);
        GridMap<String, String> map = cluster.member(0).map("orders");
        for (int i = 0; i < ENTRIES; i++) {
            map.put("k" + i, "v" + i);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void randomAndMutatedFramesFromAMemberChangeNothingAndStayBounded() throws Exception {
        TesseraGrid target = cluster.member(0);
        TesseraGrid fuzzer = cluster.member(2);
        MemberId to = target.topology().self();
        List<byte[]> corpus = wellFormed(target, fuzzer);
        Random random = new Random(20261203L);
        WarningCounter warnings = WarningCounter.attach();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = Heap.usedAfterGc();
        try {
            List<CompletableFuture<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < FRAMES; i++) {
                byte[] noise = new byte[random.nextInt(2_000)];
                random.nextBytes(noise);
                send(fuzzer, to, noise, i, answers);
                send(fuzzer, to, FrameMutation.mutate(corpus.get(random.nextInt(corpus.size())), random), i + 1, answers);
                if (answers.size() >= 64) { // bounded in flight, as a member's own callers are
                    settle(answers);
                }
            }
            settle(answers);
        } finally {
            warnings.detach();
        }

        assertThat(target.isRunning()).isTrue();
        assertEveryEntryIntact();
        assertThat(target.introspection().rejectedMessages().malformed() + target.introspection().rejectedMessages().notPermitted())
                .as("frames refused").isGreaterThan(FRAMES);
        int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
        assertThat(threadsAfter).as("threads").isLessThan(threadsBefore + 128);
        assertThat(Heap.usedAfterGc() - heapBefore).as("heap growth").isLessThan(64L << 20);
        assertThat(warnings.count.get()).as("warnings logged for %d hostile frames", 2 * FRAMES).isLessThan(200);
    }

    private static void send(TesseraGrid from, MemberId to, byte[] body, int i, List<CompletableFuture<byte[]>> answers) {
        if (i % 2 == 0) {
            from.channel().send(to, body);
        } else {
            answers.add(from.channel().request(to, body, RequestOptions.timeout(5_000)));
        }
    }

    private static void settle(List<CompletableFuture<byte[]>> answers) {
        for (CompletableFuture<byte[]> a : answers) {
            try {
                a.get(10, TimeUnit.SECONDS);
            } catch (Exception expected) {
                // refused or malformed: the member answers with an error, which is what we want
            }
        }
        answers.clear();
    }

    /** Control, replica and query messages the fuzzer may not act on: mutations of them must change nothing. */
    private static List<byte[]> wellFormed(TesseraGrid target, TesseraGrid fuzzer) {
        PartitionTable t = target.topology().table();
        MemberId self = fuzzer.topology().self();
        MemberId[][] owners = new MemberId[t.partitionCount()][];
        Arrays.setAll(owners, p -> new MemberId[] {self});
        int notFuzzers = 0;
        while (self.equals(t.primary(notFuzzers))) {
            notFuzzers++;
        }
        byte[] key = "k1".getBytes(StandardCharsets.UTF_8);
        return List.of(
                new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE, new PartitionTable(t.version() + 5, owners, null)).encode(),
                new TopologyMessages.TransferDone(t.version(), notFuzzers, List.of(self), t.targetEpoch(notFuzzers)).encode(),
                new TopologyMessages.LeaveRequest(target.topology().self()).encode(),
                new TopologyMessages.MergeOut(new PartitionTable(t.version() + 5, owners, null)).encode(),
                new ReplicationMessages.Replicate(t.version(), "fuzz", MapConfig.defaults(), notFuzzers,
                        List.of(new ReplicationMessages.ReplicaEntry(key, key, 1L << 40, 1))).encode(),
                new QueryMessages.SizeQuery("orders").encode(),
                new QueryMessages.EntriesQuery(t.version(), "orders", 3).encode(),
                new TopologyMessages.TableQuery().encode(),
                new EventMessages.Invalidations("orders", List.of(new EventMessages.Invalidations.Entry(3, 7, key))).encode());
    }

    private static void assertEveryEntryIntact() {
        for (TesseraGrid g : cluster.members()) {
            GridMap<String, String> m = g.map("orders");
            int intact = 0;
            for (int i = 0; i < ENTRIES; i++) {
                if (("v" + i).equals(m.get("k" + i))) {
                    intact++;
                }
            }
            assertThat(intact).as("entries intact, read from " + g).isEqualTo(ENTRIES);
            assertThat(m.size()).isEqualTo(ENTRIES);
        }
        assertThat(cluster.copyCounts("orders")).containsExactly((long) ENTRIES, (long) ENTRIES);
    }

}
