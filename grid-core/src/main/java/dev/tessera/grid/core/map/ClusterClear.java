package dev.tessera.grid.core.map;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ScanMessages.ClearPartitions;
import dev.tessera.grid.core.wire.ScanMessages.PartitionsCleared;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * {@code clear()} in one request per member: each primary in the applied table is sent the list of its
 * partitions and clears each as a CLEAR_PARTITION op (replicated to its backups like one). Partitions it did
 * not clear (they moved, a handover was pending, it left) and this member's own go through the one-partition
 * op, which the {@link dev.tessera.grid.core.routing.OperationInvoker} retries until their owner clears them.
 */
final class ClusterClear {
    private final String map;
    private final MapConfig config;
    private final MapContext ctx;

    ClusterClear(String map, MapConfig config, MapContext ctx) {
        this.map = map;
        this.config = config;
        this.ctx = ctx;
    }

    /** @param clearOne the one-partition CLEAR_PARTITION op, with its retries */
    CompletableFuture<Void> clear(IntFunction<CompletableFuture<?>> clearOne) {
        PartitionTable t = ctx.topology().table();
        MemberId self = ctx.messenger().self();
        Map<MemberId, List<Integer>> byOwner = new LinkedHashMap<>();
        List<CompletableFuture<?>> clears = new ArrayList<>();
        for (int p = 0; p < t.partitionCount(); p++) {
            MemberId owner = t.primary(p);
            if (owner == null || owner.equals(self) || !ctx.messenger().isMember(owner)) {
                clears.add(clearOne.apply(p));
            } else {
                byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(p);
            }
        }
        long deadline = ctx.time().wallMillis() + ctx.timeoutMillis();
        for (Map.Entry<MemberId, List<Integer>> e : byOwner.entrySet()) {
            int[] partitions = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            byte[] request = new ClearPartitions(t.version(), map, config, partitions, deadline, self).encode();
            clears.add(ctx.messenger().request(e.getKey(), request, ctx.timeoutMillis())
                    .handle((reply, error) -> error == null ? Messages.decode(reply, PartitionsCleared.class).partitions() : new int[0])
                    .thenCompose(cleared -> clearRest(partitions, cleared, clearOne)));
        }
        return CompletableFuture.allOf(clears.toArray(CompletableFuture[]::new));
    }

    private static CompletableFuture<Void> clearRest(int[] asked, int[] cleared, IntFunction<CompletableFuture<?>> clearOne) {
        int[] sorted = cleared.clone();
        Arrays.sort(sorted);
        List<CompletableFuture<?>> rest = new ArrayList<>();
        for (int p : asked) {
            if (Arrays.binarySearch(sorted, p) < 0) {
                rest.add(clearOne.apply(p));
            }
        }
        return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new));
    }

    /** A member's answer to {@link ClearPartitions}: runs the op for each partition, lists those it cleared. */
    static CompletableFuture<byte[]> answer(PrimaryOperations primary, ClearPartitions request) {
        int[] partitions = request.partitions();
        List<CompletableFuture<OpResponse>> ops = new ArrayList<>(partitions.length);
        for (int p : partitions) {
            CompletableFuture<OpResponse> op;
            try {
                op = primary.execute(request.op(p), true);
            } catch (RuntimeException e) {
                op = CompletableFuture.failedFuture(e);
            }
            ops.add(op);
        }
        return CompletableFuture.allOf(ops.toArray(CompletableFuture[]::new)).handle((x, error) -> {
            int[] cleared = new int[partitions.length];
            int n = 0;
            for (int i = 0; i < partitions.length; i++) {
                CompletableFuture<OpResponse> op = ops.get(i);
                if (!op.isCompletedExceptionally() && op.join().status() == Status.OK) {
                    cleared[n++] = partitions[i];
                }
            }
            return new PartitionsCleared(Arrays.copyOf(cleared, n)).encode();
        });
    }
}
