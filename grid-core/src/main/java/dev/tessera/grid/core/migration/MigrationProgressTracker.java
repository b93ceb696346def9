package dev.tessera.grid.core.migration;

import dev.tessera.grid.GridIntrospection.MigrationProgress;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.time.TimeSource;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Follows the migrations of the tables this member applies, for {@link MigrationProgress}. A round starts with the
 * first table that has migrations after one without; every partition that stops migrating from one table to the
 * next counts as done (committed, or its migration dropped because a member left), and the round ends when a table
 * has none. Bytes are this member's own as a source, counted from the round's start.
 */
public final class MigrationProgressTracker {
    private final TimeSource time;
    private final TransferManager transfers;
    private final LongSupplier bufferedBytes;
    // written by the table listener (one table at a time), read by anyone
    private final java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int remaining;
    private volatile long roundStartNanos;
    private volatile long bytesAtStart;

    public MigrationProgressTracker(TimeSource time, TransferManager transfers, EarlyCopies early) {
        this.time = time;
        this.transfers = transfers;
        this.bufferedBytes = early::bufferedBytes;
    }

    /** Table listener: must not block. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        int migrating = next.migratingCount();
        if (previous.migratingCount() == 0 && migrating > 0) {
            done.set(0);
            roundStartNanos = time.nanoTime();
            bytesAtStart = transfers.acknowledgedBytes();
        } else if (previous.partitionCount() == next.partitionCount()) {
            int finished = 0;
            for (int p = 0; p < next.partitionCount(); p++) {
                if (previous.isMigrating(p) && !next.isMigrating(p)) {
                    finished++;
                }
            }
            done.addAndGet(finished);
        }
        remaining = migrating;
    }

    public MigrationProgress progress() {
        int d = done.get();
        int r = remaining;
        long bytesDone = r == 0 && d == 0 ? 0 : transfers.acknowledgedBytes() - bytesAtStart;
        long bytesLeft = transfers.remainingBytes();
        return new MigrationProgress(d, r, Math.max(0, bytesDone), bytesLeft, eta(d, r, bytesDone, bytesLeft),
                transfers.inFlightBytes(), bufferedBytes.getAsLong(), transfers.budgetBytes(), transfers.rateBytesPerSecond());
    }

    /**
     * Time left at the round's pace so far: by partitions (cluster-wide) and by this member's bytes, the longer of the
     * two that can be estimated; {@code null} before either has progressed.
     */
    private Duration eta(int d, int r, long bytesDone, long bytesLeft) {
        if (r == 0) {
            return Duration.ZERO;
        }
        long elapsed = time.nanoTime() - roundStartNanos;
        long byPartitions = d > 0 ? (long) ((double) elapsed * r / d) : -1;
        long byBytes = bytesDone > 0 && bytesLeft > 0 ? (long) ((double) elapsed * bytesLeft / bytesDone) : -1;
        long nanos = Math.max(byPartitions, byBytes);
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }
}
