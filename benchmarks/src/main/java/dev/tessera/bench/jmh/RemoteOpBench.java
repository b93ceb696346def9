package dev.tessera.bench.jmh;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * One member's operations on keys another member is primary of (3 members in one JVM, TCP on loopback, 1 sync
 * backup, 100-byte values, 4 caller threads): the whole remote path of W1/W2 (caller, transport, the owner's gate,
 * read or write and copy, the answer) without the noise of three JVMs on two cores. Public API only, so the same
 * class measures two commits side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(4)
public class RemoteOpBench {
    private static final int KEYS = 10_000;

    private Grid[] grids;
    private GridMap<String, byte[]> map;
    private String[] remoteKeys;
    private final byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void setup() throws InterruptedException {
        grids = ThreeMembers.start("jmh-remote", "r");
        map = grids[0].map("remote", MapConfig.builder().backups(1).build());
        Map<String, byte[]> batch = new HashMap<>();
        List<String> remote = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            String key = "key-" + k;
            batch.put(key, value);
            if (!map.ownerOf(key).equals(grids[0].localMember())) {
                remote.add(key);
            }
        }
        map.putAll(batch);
        remoteKeys = remote.toArray(new String[0]);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ThreeMembers.close(grids);
    }

    private String anyRemoteKey() {
        return remoteKeys[ThreadLocalRandom.current().nextInt(remoteKeys.length)];
    }

    /** A get whose primary is another member. */
    @Benchmark
    public byte[] remoteGet() {
        return map.get(anyRemoteKey());
    }

    /** A set whose primary is another member, copied to its backup before the answer. */
    @Benchmark
    public void remoteSet() {
        map.set(anyRemoteKey(), value);
    }
}
