package dev.tessera.demo;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Member;
import dev.tessera.grid.Transport;
import dev.tessera.grid.core.drill.FailureDrills;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Three members in one JVM: write 10,000 entries with one backup, kill a member without a goodbye,
 * and read every entry back from the survivors. Prints what happens at each step.
 */
public final class SurviveKillDemo {
    private static final int ENTRIES = 10_000;

    public static void main(String[] args) throws InterruptedException {
        List<Grid> members = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                members.add(Grid.builder().clusterName("demo").memberName("member-" + i)
                        .transport(Transport.inProcess()).failureDetectionTimeout(Duration.ofSeconds(2)).start());
                say("started member-" + i + ", cluster has " + members.get(0).members().size() + " members");
            }
            awaitStable(members);
            printOwnership("partition primaries per member", members.get(0));

            GridMap<String, String> orders = members.get(0).map("orders");
            for (int i = 0; i < ENTRIES; i++) {
                orders.put("order-" + i, "value-" + i);
            }
            say("wrote " + ENTRIES + " entries through member-1 (1 synchronous backup each); size = " + orders.size());

            Grid victim = members.get(2);
            say("killing member-3 without a goodbye (its traffic is dropped; the others must detect it)...");
            long killedAt = System.nanoTime();
            FailureDrills.of(victim).crash();
            members.remove(victim);
            while (members.get(0).members().size() != 2) {
                Thread.sleep(100);
            }
            say("failure detected after " + (System.nanoTime() - killedAt) / 1_000_000 + " ms; view: " + names(members.get(0).members()));
            awaitStable(members);
            say("backups promoted and redundancy rebuilt " + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the kill");
            printOwnership("partition primaries per member after the kill", members.get(0));

            GridMap<String, String> fromMember2 = members.get(1).map("orders");
            int lost = 0;
            for (int i = 0; i < ENTRIES; i++) {
                if (!("value-" + i).equals(fromMember2.get("order-" + i))) {
                    lost++;
                }
            }
            say("read back all " + ENTRIES + " entries through member-2: " + (ENTRIES - lost) + " present, " + lost + " lost");
            say(lost == 0 ? "OK: the cluster survived the kill with no acknowledged write lost" : "FAILED: entries were lost");
            if (lost != 0) {
                System.exit(1);
            }
        } finally {
            for (Grid g : members) {
                g.close();
            }
        }
    }

    /** Waits until no partition is migrating and every partition has its full set of replicas. */
    private static void awaitStable(List<Grid> members) throws InterruptedException {
        while (true) {
            GridIntrospection.PartitionTableView t = members.get(0).introspection().partitionTable();
            boolean full = t.partitions().stream().allMatch(p -> p.primary() != null && p.backups().size() == members.size() - 1);
            if (full && members.get(0).introspection().migrations().isEmpty()) {
                return;
            }
            Thread.sleep(50);
        }
    }

    private static void printOwnership(String title, Grid grid) {
        Map<String, Integer> counts = new TreeMap<>();
        for (GridIntrospection.PartitionView p : grid.introspection().partitionTable().partitions()) {
            counts.merge(p.primary().name(), 1, Integer::sum);
        }
        say(title + ": " + counts);
    }

    private static List<String> names(List<Member> members) {
        return members.stream().map(Member::name).toList();
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
