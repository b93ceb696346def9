package dev.tessera.grid.core.security;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.TesseraGrid;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Two members on loopback TCP (a discovery folder, ephemeral ports) with {@code entries} entries {@code k<i> -> v<i>}
 * in map {@code orders}, and an {@link Outsider} that carries the cluster's name but never joins.
 */
final class AttackedPair implements AutoCloseable {
    static final String MAP = "orders";

    private final List<Grid> members = new ArrayList<>();
    private Outsider outsider;

    private AttackedPair() {
    }

    static AttackedPair start(String cluster, Path discovery, int entries, Consumer<GridBuilder> customizer) throws Exception {
        AttackedPair pair = new AttackedPair();
        try {
            for (String name : List.of("a", "b")) {
                GridBuilder b = Grid.builder().clusterName(cluster).memberName(name)
                        .transport(Transport.tcp(0).withDiscoveryFolder(discovery))
                        .failureDetectionTimeout(Duration.ofSeconds(2));
                customizer.accept(b);
                pair.members.add(b.start());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pair.members.get(0).members().size() == 2);
            GridMap<String, String> map = pair.members.get(0).map(MAP);
            for (int i = 0; i < entries; i++) {
                map.put("k" + i, "v" + i);
            }
            pair.outsider = Outsider.connect(cluster);
            return pair;
        } catch (Exception | Error e) {
            pair.close();
            throw e;
        }
    }

    List<Grid> members() {
        return members;
    }

    TesseraGrid member(int i) {
        return (TesseraGrid) members.get(i);
    }

    Outsider outsider() {
        return outsider;
    }

    @Override
    public void close() {
        if (outsider != null) {
            outsider.close();
        }
        members.forEach(Grid::close);
    }
}
