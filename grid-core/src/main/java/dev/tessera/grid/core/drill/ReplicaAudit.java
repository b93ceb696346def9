package dev.tessera.grid.core.drill;

import dev.tessera.grid.Grid;
import dev.tessera.grid.core.TesseraGrid;

import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.tessera.grid.membership.MemberId;

/**
 * Checks that every replica of a map holds exactly its primary's entries: per partition, the number of live entries
 * and an order-independent digest of their keys, versions and values, on each member the table gives a data slot
 * ({@code slot < backups + 1}). Totals alone (as {@code MapStats}) cannot tell a backup that lacks some keys and holds
 * as many others it should not.
 *
 * <p>For audits after faults (tests and chaos rounds), not for the hot path: a snapshot reads every entry of the map
 * on this member. Entries change under writes, so a caller compares snapshots taken close together and retries a
 * partition that differs; one that never matches while the table is stable is a lost copy.
 */
public final class ReplicaAudit {
    private ReplicaAudit() {}

    /**
     * One member's view of one partition it holds data of.
     *
     * @param slot    its replica index (0 = primary)
     * @param holders how many members hold the map's data for the partition by this member's table
     */
    public record Part(int partition, int slot, int holders, int entries, long digest) {}

    /** What {@code member} holds of one map, under table {@code tableVersion}. */
    public record Snapshot(String member, long tableVersion, List<Part> parts) {
        /** One line per part after a header line: the form the chaos members' admin endpoint answers. */
        public String toText() {
            StringBuilder sb = new StringBuilder(32 + parts.size() * 32);
            sb.append("table ").append(tableVersion).append('\n');
            for (Part p : parts) {
                sb.append(p.partition()).append(' ').append(p.slot()).append(' ').append(p.holders()).append(' ')
                        .append(p.entries()).append(' ').append(Long.toHexString(p.digest())).append('\n');
            }
            return sb.toString();
        }

        /**
         * Reads {@link #toText()}.
         *
         * @throws IllegalArgumentException if {@code text} is not in that form
         */
        public static Snapshot parse(String member, String text) {
            String[] lines = text.split("\n");
            if (lines.length == 0 || !lines[0].startsWith("table ")) {
                throw new IllegalArgumentException("not a replica snapshot of " + member + ": " + text);
            }
            List<Part> parts = new ArrayList<>(lines.length - 1);
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split(" ");
                if (f.length != 5) {
                    throw new IllegalArgumentException("bad line in the replica snapshot of " + member + ": " + lines[i]);
                }
                parts.add(new Part(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]), Long.parseUnsignedLong(f[4], 16)));
            }
            return new Snapshot(member, Long.parseLong(lines[0].substring(6).trim()), parts);
        }
    }

    /**
     * What this member holds of {@code map} in every partition where its table gives it a data slot (a member that
     * never created the map reports empty partitions); {@code replicas} is the map's backups + 1.
     *
     * @throws IllegalArgumentException if {@code member} is not a member started by grid-core
     */
    public static Snapshot snapshot(Grid member, String map, int replicas) {
        TesseraGrid grid = FailureDrills.tessera(member);
        PartitionTable t = grid.topology().table();
        MemberId self = grid.topology().self();
        MapContainer container = grid.storage().get(map);
        List<Part> parts = new ArrayList<>();
        for (int p = 0; p < t.partitionCount(); p++) {
            int slot = t.slotOf(p, self);
            if (slot < 0 || slot >= replicas) {
                continue;
            }
            int entries = 0;
            long digest = 0;
            if (container != null) {
                for (Map.Entry<Bytes, Record> e : container.peek(p).entries()) {
                    Record r = e.getValue();
                    if (!r.isTombstone()) {
                        entries++;
                        digest += entryHash(e.getKey().array(), r);
                    }
                }
            }
            parts.add(new Part(p, slot, Math.min(replicas, t.owners(p).size()), entries, digest));
        }
        return new Snapshot(grid.localMember().name(), t.version(), parts);
    }

    /**
     * The partitions whose replicas differ in {@code snapshots} (one per member, taken close together), each with
     * what differs: a replica whose entries or digest are not its primary's, or fewer replicas reporting than the
     * table has. Key -1: the snapshots were taken under different tables, and nothing else was compared.
     */
    public static Map<Integer, String> mismatches(Collection<Snapshot> snapshots) {
        Map<Integer, String> out = new TreeMap<>();
        long version = -1;
        for (Snapshot s : snapshots) {
            if (version >= 0 && s.tableVersion() != version) {
                out.put(-1, "snapshots under different tables: " + snapshots.stream()
                        .map(x -> x.member() + "@" + x.tableVersion()).toList());
                return out;
            }
            version = s.tableVersion();
        }
        Map<Integer, List<Held>> byPartition = new TreeMap<>();
        for (Snapshot s : snapshots) {
            for (Part p : s.parts()) {
                byPartition.computeIfAbsent(p.partition(), k -> new ArrayList<>()).add(new Held(s.member(), p));
            }
        }
        byPartition.forEach((p, held) -> {
            Held primary = held.stream().filter(h -> h.part().slot() == 0).findFirst().orElse(null);
            if (primary == null) {
                out.put(p, "no member reports itself primary: " + held);
                return;
            }
            if (held.size() != primary.part().holders()) {
                out.put(p, held.size() + " of " + primary.part().holders() + " replicas reported: " + held);
                return;
            }
            for (Held h : held) {
                if (h.part().entries() != primary.part().entries() || h.part().digest() != primary.part().digest()) {
                    out.put(p, h + " differs from the primary " + primary);
                    return;
                }
            }
        });
        return out;
    }

    private record Held(String member, Part part) {
        @Override
        public String toString() {
            return member + " (slot " + part.slot() + ": " + part.entries() + " entries, digest "
                    + Long.toHexString(part.digest()) + ")";
        }
    }

    /** A 64-bit hash of a key, its version and its value (FNV-1a, then a murmur3 finalizer). */
    private static long entryHash(byte[] key, Record r) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ r.version()) * 0x100000001b3L;
        byte[] value = r.valueArray();
        for (int i = r.valueOffset(), end = i + r.valueLength(); i < end; i++) {
            h = (h ^ (value[i] & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
