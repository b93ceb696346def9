package dev.tessera.grid.core.owner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.cluster.QuorumTracker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.loading.LoadLeases;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObservers;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.time.HybridClock;
import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.OpCode;
import dev.tessera.grid.core.wire.PackedEntries;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.testkit.ScriptedMessenger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one write path under every write kind: the keys a write changed stay uncommitted (reads of them wait) until
 * the copy is answered; a replica's rejection as stale settles them, fences this member off the partition and
 * turns the waiting reads into RETRY; the after-write hook runs for client writes that may add entries.
 */
class PartitionWriterTest {
    private static final int PARTITIONS = 4;
    private static final MapConfig ONE_BACKUP = MapConfig.builder().backups(1).build();

    private final MemberId p = MemberId.random();
    private final MemberId q = MemberId.random();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final TopologyState topology = new TopologyState(p, PARTITIONS);
    private final LocalStorage storage = new LocalStorage(PARTITIONS);
    private final ConcurrentLinkedQueue<CompletableFuture<byte[]>> copies = new ConcurrentLinkedQueue<>();
    private final AtomicInteger afterWrites = new AtomicInteger();
    private final ClusterView view = new ClusterView(1, List.of(new MemberInfo(p, "P", null), new MemberInfo(q, "Q", null)), false);
    private final ScriptedMessenger messenger = new ScriptedMessenger(p, () -> view, (to, message) -> {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        copies.add(answer);
        return answer;
    });
    private final QuorumTracker quorum = new QuorumTracker();
    private final PartitionWriter writer = new PartitionWriter(topology, new HybridClock(TimeSource.SYSTEM::wallMillis), quorum,
            new ChangeObservers(), (map, partition, key) -> { }, new Replicator(messenger, scheduler, 5_000, TimeSource.SYSTEM));
    private final PrimaryOperations ops = new PrimaryOperations(topology, storage, writer, quorum, new LoadLeases(topology, storage),
            new KryoCodec(List.of()), Map.of(), (map, partition) -> afterWrites.incrementAndGet(), StoreWrapper.NONE);
    private final List<byte[]> keys = keysOfPartitionZero(3);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    enum Kind {
        SINGLE_KEY(true), PUT_ALL(true), CLEAR(false), MERGE_IN(false), REMOVE_AS_PRIMARY(false);

        final boolean runsAfterWrite;

        Kind(boolean runsAfterWrite) {
            this.runsAfterWrite = runsAfterWrite;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyWriteKindHoldsItsKeysUncommittedUntilTheCopyIsAnsweredAndFencesOnAStaleRejection(Kind kind) throws Exception {
        topology.apply(OwnerGateTest.table(3, p, q));
        MapContainer map = storage.getOrCreate("m", ONE_BACKUP);
        PartitionStore store = map.partition(0);
        for (byte[] k : keys) {
            store.compute(Bytes.wrap(k), (key, cur) -> new Record(key, bytes("old"), 1, 1));
        }

        CompletableFuture<?> write = start(kind, map);
        assertThat(write).isNotDone();
        assertThat(copies).as("one copy message to the backup").hasSize(1);
        assertThat(store.uncommitted().size()).as("the changed keys are uncommitted").isPositive();
        assertThat(afterWrites.get()).isEqualTo(kind.runsAfterWrite ? 1 : 0);
        CompletableFuture<OpResponse> read = ops.execute(get(keys.get(0)), false);
        assertThat(read).as("a read of a changed key waits for its commit").isNotDone();

        copies.remove().complete(new ReplicateResponse(Status.REJECTED, 9).encode()); // Q holds table 9: we are stale
        Object answer = write.get(5, TimeUnit.SECONDS);
        assertThat(store.uncommitted().size()).as("settled").isZero();
        assertThat(topology.servesAsPrimary(topology.table(), 0)).as("fenced off up to table 9").isFalse();
        assertThat(topology.servesAsPrimary(topology.table(), 1)).as("only the written partition").isTrue();
        assertThat(read.get(5, TimeUnit.SECONDS).status()).as("the rejected value is not served").isEqualTo(Status.RETRY);
        switch (kind) {
            case SINGLE_KEY, PUT_ALL, CLEAR -> {
                OpResponse r = (OpResponse) answer;
                assertThat(r.status()).isEqualTo(Status.WRONG_OWNER);
                assertThat(r.mayHaveBeenApplied()).isTrue();
            }
            case MERGE_IN -> assertThat(((ReplicateResponse) answer).status()).isEqualTo(Status.RETRY);
            case REMOVE_AS_PRIMARY -> assertThat(answer).isEqualTo(true);
            default -> throw new AssertionError(kind);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyWriteKindCommitsOnceTheCopyIsAcknowledged(Kind kind) throws Exception {
        topology.apply(OwnerGateTest.table(3, p, q));
        MapContainer map = storage.getOrCreate("m", ONE_BACKUP);
        for (byte[] k : keys) {
            map.partition(0).compute(Bytes.wrap(k), (key, cur) -> new Record(key, bytes("old"), 1, 1));
        }
        CompletableFuture<?> write = start(kind, map);
        CompletableFuture<OpResponse> read = ops.execute(get(keys.get(0)), false);
        copies.remove().complete(new ReplicateResponse(Status.OK, 3).encode());
        Object answer = write.get(5, TimeUnit.SECONDS);
        assertThat(map.partition(0).uncommitted().size()).isZero();
        assertThat(topology.servesAsPrimary(topology.table(), 0)).isTrue();
        assertThat(read.get(5, TimeUnit.SECONDS).status()).isEqualTo(Status.OK);
        if (answer instanceof OpResponse r) {
            assertThat(r.status()).isEqualTo(Status.OK);
        } else if (answer instanceof ReplicateResponse r) {
            assertThat(r.status()).isEqualTo(Status.OK);
        } else {
            assertThat(answer).isEqualTo(true);
        }
    }

    @Test
    void aRemoteSingleWriteAnsweredByTheBackupCompletesWithTheChannelsOneMarker() throws Exception {
        topology.apply(OwnerGateTest.table(3, p, q));
        ClientOp set = new ClientOp(3, "m", ONE_BACKUP, 0, OpCode.SET, keys.get(0), bytes("v"), null, 0, Long.MAX_VALUE, q);

        CompletableFuture<byte[]> forwarded = ops.execute(set, q, 42);
        copies.remove().complete(new ReplicateResponse(Status.OK, 3).encode());
        assertThat(forwarded.get(5, TimeUnit.SECONDS)).isSameAs(ClusterChannel.REPLIED_ELSEWHERE);

        // a copy the backup rejected: it answered nobody, this member answers
        CompletableFuture<byte[]> answered = ops.execute(set, q, 43);
        copies.remove().complete(new ReplicateResponse(Status.REJECTED, 9).encode());
        byte[] reply = answered.get(5, TimeUnit.SECONDS);
        assertThat(reply).isNotSameAs(ClusterChannel.REPLIED_ELSEWHERE);
        OpResponse r = dev.tessera.grid.core.wire.Messages.decode(reply, OpResponse.class);
        assertThat(r.status()).isEqualTo(Status.WRONG_OWNER);
        assertThat(r.mayHaveBeenApplied()).isTrue();
    }

    private CompletableFuture<?> start(Kind kind, MapContainer map) {
        return switch (kind) {
            case SINGLE_KEY -> ops.execute(new ClientOp(3, "m", ONE_BACKUP, 0, OpCode.SET, keys.get(0), bytes("new"), null, 0,
                    Long.MAX_VALUE, null), false);
            case PUT_ALL -> {
                List<byte[]> pairs = new ArrayList<>();
                for (byte[] k : keys) {
                    pairs.add(k);
                    pairs.add(bytes("new"));
                }
                yield ops.execute(new ClientOp(3, "m", ONE_BACKUP, 0, OpCode.PUT_ALL, null, PackedEntries.encode(pairs, 64), null,
                        0, Long.MAX_VALUE, null), false);
            }
            case CLEAR -> ops.execute(new ClientOp(3, "m", ONE_BACKUP, 0, OpCode.CLEAR_PARTITION, null, null, null, 0,
                    Long.MAX_VALUE, null), false);
            case MERGE_IN -> ops.mergeIn(new Replicate(3, "m", ONE_BACKUP, 0,
                    List.of(new ReplicaEntry(keys.get(0), bytes("merged"), 7, TimeSource.SYSTEM.wallMillis() << 16))));
            case REMOVE_AS_PRIMARY -> writer.removeAsPrimary(map, 0, Bytes.wrap(keys.get(0)), 1, r -> true, ChangeCause.EXPIRED);
        };
    }

    private static ClientOp get(byte[] key) {
        return new ClientOp(3, "m", ONE_BACKUP, 0, OpCode.GET, key, null, null, 0, Long.MAX_VALUE, null);
    }

    private static List<byte[]> keysOfPartitionZero(int n) {
        KeyPartitioner partitioner = new KeyPartitioner(PARTITIONS);
        List<byte[]> found = new ArrayList<>();
        for (int i = 0; found.size() < n; i++) {
            byte[] k = bytes("k" + i);
            if (partitioner.partitionOf(k) == 0) {
                found.add(k);
            }
        }
        return found;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
