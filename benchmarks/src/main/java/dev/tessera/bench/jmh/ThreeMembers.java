package dev.tessera.bench.jmh;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Three members in this JVM over TCP on loopback (file discovery), started and balanced for a JMH trial. */
final class ThreeMembers {
    private ThreeMembers() {
    }

    /** Starts members {@code prefix}0..2 of {@code cluster} and waits until each is primary of at least 90 partitions. */
    static Grid[] start(String cluster, String prefix) throws InterruptedException {
        Path discovery;
        try {
            discovery = Files.createTempDirectory(cluster);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Grid[] grids = new Grid[3];
        for (int i = 0; i < 3; i++) {
            grids[i] = Grid.builder().clusterName(cluster).memberName(prefix + i)
                    .transport(Transport.tcp(0).withDiscoveryFolder(discovery)).start();
        }
        awaitBalanced(grids[0]);
        return grids;
    }

    /** Closes the members, the last started first. */
    static void close(Grid[] grids) {
        for (int i = grids.length - 1; i >= 0; i--) {
            grids[i].close();
        }
    }

    private static void awaitBalanced(Grid g) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Map<String, Integer> counts = new HashMap<>();
            for (GridIntrospection.PartitionView p : g.introspection().partitionTable().partitions()) {
                if (p.primary() != null) {
                    counts.merge(p.primary().name(), 1, Integer::sum);
                }
            }
            if (g.members().size() == 3 && counts.size() == 3 && counts.values().stream().allMatch(n -> n >= 90)
                    && g.introspection().migrations().isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("3 members did not balance in 60 s");
    }
}
