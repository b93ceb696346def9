package dev.tessera.grid.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.TopologyMessages.MergeEntries;
import dev.tessera.grid.membership.MemberId;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The digest that names a map on the wire: stable, distinct per field, and never learned from a header it does not hash. */
class MapHeaderDigestTest {
    private static final MemberId A = MemberId.parse("01020304-0506-0708-1112-131415161718");
    private static final MapConfig CONFIG = MapConfig.builder().backups(2).asyncBackups(1).readFromBackup(true)
            .nearCache(new NearCacheConfig(100, Duration.ofSeconds(3))).timeToLive(Duration.ofMinutes(5))
            .maxIdle(Duration.ofSeconds(90)).eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, 10_000))
            .mapStore(MapStoreConfig.writeThrough("db")).build();

    private static ClientOp op(String map, MapConfig config) {
        return new ClientOp(42, map, config, 7, OpCode.PUT, new byte[16], new byte[100], null, 0, 1_700_000_000_000L, A);
    }

    @Test
    void theDigestIsStable_acrossInstancesAndRuns() {
        // pinned: the first 8 bytes of SHA-256 over the header fields; a JVM or run that computed another would not be understood
        assertThat(HexFormat.of().toHexDigits(MapHeaders.digest("orders", CONFIG))).isEqualTo("9fa3c8fffafab0a6");
        MapConfig twin = MapConfig.builder().backups(2).asyncBackups(1).readFromBackup(true)
                .nearCache(new NearCacheConfig(100, Duration.ofSeconds(3))).timeToLive(Duration.ofMinutes(5))
                .maxIdle(Duration.ofSeconds(90)).eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, 10_000))
                .mapStore(MapStoreConfig.writeThrough("db")).build();
        assertThat(MapHeaders.digest("orders", twin)).isEqualTo(MapHeaders.digest("orders", CONFIG));
    }

    @Test
    void everyFieldAndTheName_changeTheDigest() {
        MapConfig d = MapConfig.defaults();
        Map<String, Long> digests = new LinkedHashMap<>();
        digests.put("defaults", MapHeaders.digest("m", d));
        digests.put("name", MapHeaders.digest("n", d));
        digests.put("backups", MapHeaders.digest("m", MapConfig.builder().backups(2).build()));
        digests.put("asyncBackups", MapHeaders.digest("m", MapConfig.builder().asyncBackups(1).build()));
        digests.put("readFromBackup", MapHeaders.digest("m", MapConfig.builder().readFromBackup(true).build()));
        digests.put("splitBrainMode", MapHeaders.digest("m", MapConfig.builder().splitBrainMode(SplitBrainMode.CONSISTENT).build()));
        digests.put("nearCache", MapHeaders.digest("m", MapConfig.builder().nearCache(NearCacheConfig.of(10)).build()));
        digests.put("nearCacheTtl", MapHeaders.digest("m", MapConfig.builder()
                .nearCache(new NearCacheConfig(10, Duration.ofSeconds(1))).build()));
        digests.put("timeToLive", MapHeaders.digest("m", MapConfig.builder().timeToLive(Duration.ofSeconds(5)).build()));
        digests.put("maxIdle", MapHeaders.digest("m", MapConfig.builder().maxIdle(Duration.ofSeconds(5)).build()));
        digests.put("evictionEntries", MapHeaders.digest("m", MapConfig.builder()
                .eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, 10)).build()));
        digests.put("evictionPolicy", MapHeaders.digest("m", MapConfig.builder()
                .eviction(EvictionConfig.maxEntries(EvictionPolicy.LFU, 10)).build()));
        digests.put("evictionBytes", MapHeaders.digest("m", MapConfig.builder().eviction(EvictionConfig.maxBytes(1 << 20)).build()));
        digests.put("writeThrough", MapHeaders.digest("m", MapConfig.builder().mapStore(MapStoreConfig.writeThrough("db")).build()));
        digests.put("storeName", MapHeaders.digest("m", MapConfig.builder().mapStore(MapStoreConfig.writeThrough("db2")).build()));
        digests.put("writeBehind", MapHeaders.digest("m", MapConfig.builder()
                .mapStore(MapStoreConfig.writeBehind("db", Duration.ofMillis(250))).build()));
        digests.put("writeDelay", MapHeaders.digest("m", MapConfig.builder()
                .mapStore(MapStoreConfig.writeBehind("db", Duration.ofMillis(251))).build()));
        assertThat(new HashSet<>(digests.values())).as("one digest per configuration: %s", digests).hasSize(digests.size());
    }

    @Test
    void aShortHeader_readsAsTheLearnedMap_onlyAfterTheFullOne() {
        MapHeaderRegistry known = new MapHeaderRegistry();
        ClientOp op = op("orders", CONFIG);
        assertThatThrownBy(() -> Messages.decode(op.encode(true), known)).isInstanceOf(UnknownMapHeaderException.class);
        assertThatThrownBy(() -> Messages.decode(op.encode(true))).as("no registry: nothing to look it up in")
                .isInstanceOf(MalformedMessageException.class).isNotInstanceOf(UnknownMapHeaderException.class);

        ClientOp full = (ClientOp) Messages.decode(op.encode(false), known);
        ClientOp shortOne = (ClientOp) Messages.decode(op.encode(true), known);
        assertThat(shortOne.map()).isEqualTo("orders");
        assertThat(shortOne.config()).isEqualTo(CONFIG).isSameAs(full.config());
        assertThat(shortOne.key()).isEqualTo(op.key());
        assertThat(known.size()).isEqualTo(1);
        // the short header is the kind byte and the digest
        assertThat(HexFormat.of().formatHex(op.encode(true), 0, 18)).isEqualTo("01" + "000000000000002a" + "00" + "9fa3c8fffafab0a6");
    }

    @Test
    void aFullHeaderThatDoesNotHashToItsDigest_isMalformed_andNotLearned() {
        MapHeaderRegistry known = new MapHeaderRegistry();
        byte[] full = op("orders", CONFIG).encode(false);
        int backupsAt = 1 + 8 + 1 + 8 + 4 + "orders".length(); // type, table version, kind, digest, name: then backups
        assertThat(full[backupsAt]).isEqualTo((byte) 2);
        full[backupsAt] = 0; // a config with no backups, claiming the digest of the one with two
        assertThatThrownBy(() -> Messages.decode(full, known)).isInstanceOf(MalformedMessageException.class)
                .isNotInstanceOf(UnknownMapHeaderException.class).hasMessageContaining("does not hash to its digest");
        assertThat(known.size()).isZero();
        assertThatThrownBy(() -> Messages.decode(op("orders", CONFIG).encode(true), known))
                .as("the forged header taught nothing").isInstanceOf(UnknownMapHeaderException.class);

        byte[] renamed = op("orders", CONFIG).encode(false);
        renamed[1 + 8 + 1 + 8 + 4] = 'O'; // another map's name under this digest
        assertThatThrownBy(() -> Messages.decode(renamed, known)).isInstanceOf(MalformedMessageException.class);
        byte[] badKind = op("orders", CONFIG).encode(false);
        badKind[9] = 2;
        assertThatThrownBy(() -> Messages.decode(badKind, known)).hasMessageContaining("unknown map header kind 2");
        assertThat(known.size()).isZero();
    }

    @Test
    void mergesAndClears_mustCarryTheFullHeader() {
        MapHeaderRegistry known = new MapHeaderRegistry();
        Replicate copy = new Replicate(43, "orders", CONFIG, 2, List.of(new ReplicaEntry(new byte[] {1}, new byte[] {2}, 11, 1)));
        Messages.decode(copy.encode(false), known); // learned
        byte[] merge = copy.encode(true);
        merge[0] = MessageType.MERGE_ENTRIES.id;
        assertThatThrownBy(() -> Messages.decode(merge, known)).isInstanceOf(MalformedMessageException.class)
                .isNotInstanceOf(UnknownMapHeaderException.class);
        assertThat(Messages.decode(new MergeEntries(copy).encode(), known)).isInstanceOf(MergeEntries.class);
        assertThat(Messages.decode(copy.encode(true), known)).as("a plain copy may be short").isInstanceOf(Replicate.class);
    }

    @Test
    void theRegistryStaysBounded_underAFloodOfValidHeaders() {
        MapHeaderRegistry known = new MapHeaderRegistry(16);
        Set<Long> digests = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            ClientOp op = op("map-" + i, MapConfig.defaults());
            digests.add(op.mapDigest());
            Messages.decode(op.encode(false), known);
            assertThat(known.size()).isLessThanOrEqualTo(16);
        }
        assertThat(digests).hasSize(1_000);
        ClientOp last = op("map-999", MapConfig.defaults());
        assertThat(known.knows(last.mapDigest())).as("the newest is kept").isTrue();
    }

    /**
     * The bytes of a put of a 16-byte key and 100-byte value to a remote primary, and of its copy to a backup: the map
     * header was 4 + name + 42 bytes on every one (wire version 5); after the first, it is 9 (version 6).
     */
    @Test
    void aPutNamesItsMapIn9Bytes_insteadOfItsWholeConfiguration() {
        Map<String, MapConfig> configs = new LinkedHashMap<>();
        configs.put("defaults", MapConfig.defaults());
        configs.put("every option", CONFIG);
        for (Map.Entry<String, MapConfig> named : configs.entrySet()) {
            MapConfig config = named.getValue();
            ClientOp put = op("orders", config);
            int full = put.encode(false).length;
            int shortOne = put.encode(true).length;
            int version5 = full - 9; // the same message without kind byte and digest
            Replicate copy = new Replicate(42, "orders", config, 7, List.of(new ReplicaEntry(new byte[16], new byte[100], 1, 1)));
            int copyFull = copy.encode(false).length;
            int copyShort = copy.encode(true).length;
            System.out.printf("put 16B/100B to 'orders' (%s): client op v5 %d, v6 full %d, short %d; copy v5 %d, short %d%n",
                    named.getKey(), version5, full, shortOne, copyFull - 9, copyShort);
            assertThat(shortOne).isEqualTo(version5 - (4 + "orders".length() + configBytes(config)) + 9);
            assertThat(version5 - shortOne).isGreaterThanOrEqualTo(42); // defaults: 4 + 6 + 41 bytes of header become 9
            assertThat(copyFull - 9 - copyShort).isEqualTo(version5 - shortOne);
        }
    }

    private static int configBytes(MapConfig config) throws IllegalStateException {
        WireOutput out = new WireOutput(64);
        try {
            FieldCodecs.writeMapHeaderFields(out, "", config);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray().length - 4;
    }
}
