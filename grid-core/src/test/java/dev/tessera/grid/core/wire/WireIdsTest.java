package dev.tessera.grid.core.wire;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.MapStoreConfig;
import dev.tessera.grid.NearCacheConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents;
import dev.tessera.grid.core.wire.EventMessages.Invalidations;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.EntriesResponse;
import dev.tessera.grid.core.wire.QueryMessages.SizeQuery;
import dev.tessera.grid.core.wire.QueryMessages.SizeResponse;
import dev.tessera.grid.core.wire.ReplicationMessages.DestroyMap;
import dev.tessera.grid.core.wire.ReplicationMessages.Fence;
import dev.tessera.grid.core.wire.ReplicationMessages.ForwardedReply;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.TopologyMessages.LeaveRequest;
import dev.tessera.grid.core.wire.TopologyMessages.MergeEntries;
import dev.tessera.grid.core.wire.TopologyMessages.MergeOut;
import dev.tessera.grid.core.wire.TopologyMessages.MergeOutDone;
import dev.tessera.grid.core.wire.TopologyMessages.TableMessage;
import dev.tessera.grid.core.wire.TopologyMessages.TableQuery;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.Test;

/**
 * Pins every number the members' messages put on the wire: message ids, op codes, statuses, the
 * positions of the enums written by ordinal, and the exact bytes of one example of every message.
 * A failure here means a change would make members of different versions misread each other: if
 * the change is intended, it needs a new {@code WireFormat.VERSION}, not an edited table.
 */
class WireIdsTest {

    // ---- the tables (literal on purpose: never derive them from the code under test) ----

    private static final Map<String, Integer> MESSAGE_IDS = Map.ofEntries(
            entry("CLIENT_OP", 1),
            entry("OP_RESPONSE", 2),
            entry("REPLICATE", 3),
            entry("REPLICATE_RESPONSE", 4),
            entry("TABLE_UPDATE", 5),
            entry("TRANSFER_DONE", 6),
            entry("TABLE_QUERY", 7),
            entry("TABLE_RESPONSE", 8),
            entry("LEAVE_REQUEST", 9),
            entry("SIZE_QUERY", 10),
            entry("SIZE_RESPONSE", 11),
            entry("ENTRIES_QUERY", 12),
            entry("ENTRIES_RESPONSE", 13),
            entry("MERGE_OUT", 14),
            entry("MERGE_OUT_DONE", 15),
            entry("MERGE_ENTRIES", 16),
            entry("INVALIDATIONS", 17),
            entry("LISTENER_INTERESTS", 18),
            entry("ENTRY_EVENTS", 19),
            entry("WRITE_BEHIND_FLUSHED", 21),
            entry("FENCE", 25),
            entry("COMPATIBILITY", 26),
            entry("DESTROY_MAP", 27),
            entry("SCAN_QUERY", 28),
            entry("SCAN_PAGE", 29),
            entry("CLEAR_PARTITIONS", 30),
            entry("PARTITIONS_CLEARED", 31),
            entry("LEASE_PING", 32),
            entry("LEASE_ACK", 33));

    /** Ids no message may take: 0 (no message) and the reserved ones. */
    private static final int[] UNUSED_MESSAGE_IDS = {0, 20, 22, 23, 24};

    private static final Map<String, Integer> OP_CODES = Map.ofEntries(
            entry("GET", 1),
            entry("CONTAINS", 2),
            entry("PUT", 3),
            entry("SET", 4),
            entry("REMOVE", 5),
            entry("DELETE", 6),
            entry("PUT_IF_ABSENT", 7),
            entry("REPLACE", 8),
            entry("REPLACE_IF_EQUALS", 9),
            entry("REMOVE_IF_EQUALS", 10),
            entry("GET_VERSIONED", 11),
            entry("SET_IF_VERSION", 12),
            entry("CLEAR_PARTITION", 13),
            entry("LOAD_OR_LEASE", 14),
            entry("LOAD_COMPLETE", 15),
            entry("LOAD_FAILED", 16),
            entry("LOAD_IF_ABSENT", 17),
            entry("PUT_ALL", 18),
            entry("EXECUTE_ON_KEY", 19));

    private static final Map<String, Integer> STATUSES = Map.ofEntries(
            entry("OK", 0),
            entry("WRONG_OWNER", 1),
            entry("RETRY", 2),
            entry("REJECTED", 3),
            entry("ERROR", 4),
            entry("UNAVAILABLE", 5),
            entry("TIMEOUT", 6),
            entry("LIMIT", 7),
            entry("LOAD_FAILED", 8),
            entry("NO_LEASE", 9),
            entry("UNKNOWN_CONFIG", 10));

    /** Written by ordinal in the map header of every client op and copy. */
    private static final Map<String, Integer> SPLIT_BRAIN_MODES = Map.of("AVAILABLE", 0, "CONSISTENT", 1);

    /** Written by ordinal in the map header; -1 there means "no eviction". */
    private static final Map<String, Integer> EVICTION_POLICIES = Map.of("LRU", 0, "LFU", 1);

    /** Written by ordinal in the map header when the map has a store. */
    private static final Map<String, Integer> WRITE_MODES = Map.of("WRITE_THROUGH", 0, "WRITE_BEHIND", 1);

    /** Written by ordinal in every entry event. */
    private static final Map<String, Integer> ENTRY_EVENT_TYPES = Map.of(
            "ADDED", 0, "UPDATED", 1, "REMOVED", 2, "EXPIRED", 3, "EVICTED", 4);

    // ---- ids ----

    @Test
    void messageIds_arePinned_andEachIdNamesItsType() {
        assertPinned(MessageType.class, t -> t.id, MESSAGE_IDS);
        for (MessageType t : MessageType.values()) {
            assertThat(MessageType.of(t.id)).isSameAs(t);
        }
        for (int unused : UNUSED_MESSAGE_IDS) {
            assertThatThrownBy(() -> MessageType.of((byte) unused)).isInstanceOf(MalformedMessageException.class);
        }
        assertThatThrownBy(() -> MessageType.of((byte) -1)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void opCodes_arePinned_andEachCodeNamesItsOp() {
        assertPinned(OpCode.class, c -> c.id, OP_CODES);
        for (OpCode c : OpCode.values()) {
            assertThat(OpCode.of(c.id)).isSameAs(c);
        }
        assertThatThrownBy(() -> OpCode.of((byte) 0)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> OpCode.of((byte) 20)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void statuses_arePinned_andEachIdNamesItsStatus() {
        assertPinned(Status.class, s -> s.id, STATUSES);
        for (Status s : Status.values()) {
            assertThat(Status.of(s.id)).isSameAs(s);
        }
        assertThatThrownBy(() -> Status.of((byte) 11)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> Status.of((byte) -1)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void enumsWrittenByOrdinal_keepTheirPositions() {
        assertPinned(SplitBrainMode.class, Enum::ordinal, SPLIT_BRAIN_MODES);
        assertPinned(EvictionPolicy.class, Enum::ordinal, EVICTION_POLICIES);
        assertPinned(MapStoreConfig.WriteMode.class, Enum::ordinal, WRITE_MODES);
        assertPinned(EntryEventType.class, Enum::ordinal, ENTRY_EVENT_TYPES);
    }

    private static <E extends Enum<E>> void assertPinned(Class<E> type, ToIntFunction<E> wire, Map<String, Integer> pinned) {
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            actual.put(e.name(), wire.applyAsInt(e));
        }
        assertThat(actual).as("wire numbers of %s (append new constants with new numbers; never renumber)",
                type.getSimpleName()).containsExactlyInAnyOrderEntriesOf(pinned);
    }

    // ---- one example of every message ----

    private static final MemberId A = MemberId.parse("01020304-0506-0708-1112-131415161718");
    private static final MemberId B = MemberId.parse("21222324-2526-2728-3132-333435363738");
    private static final byte[] KEY = bytes("key-1");
    private static final byte[] VALUE = bytes("value-1");

    /** Every split-brain mode, eviction policy and write mode, and both "none" forms, across the two. */
    private static final MapConfig CONFIG_A = MapConfig.builder().backups(2).asyncBackups(1).readFromBackup(true)
            .nearCache(new NearCacheConfig(100, Duration.ofSeconds(3))).timeToLive(Duration.ofMinutes(5))
            .maxIdle(Duration.ofSeconds(90)).eviction(EvictionConfig.maxEntries(EvictionPolicy.LRU, 10_000))
            .mapStore(MapStoreConfig.writeThrough("db")).build();
    private static final MapConfig CONFIG_B = MapConfig.builder().splitBrainMode(SplitBrainMode.CONSISTENT)
            .eviction(EvictionConfig.maxBytes(EvictionPolicy.LFU, 1 << 20))
            .mapStore(MapStoreConfig.writeBehind("db", Duration.ofMillis(250))).build();

    private static PartitionTable table() {
        return new PartitionTable(42, new MemberId[][] {{A, B}, {B, A}, {A}}, new MemberId[][] {null, {A}, {A, B}});
    }

    /** An example per type, with its encoder (the records share no interface). */
    private record Example(Object message, Supplier<byte[]> encoder) {}

    private static Map<MessageType, Example> examples() {
        Map<MessageType, Example> m = new EnumMap<>(MessageType.class);
        ClientOp op = new ClientOp(42, "orders", CONFIG_A, 7, OpCode.REPLACE_IF_EQUALS, KEY, VALUE, bytes("old"),
                5, 1_700_000_000_000L, A, 30_000);
        m.put(MessageType.CLIENT_OP, new Example(op, op::encode));
        OpResponse response = new OpResponse(Status.ERROR, true, VALUE, 9, 42, "boom", 1_700_000_001_000L);
        m.put(MessageType.OP_RESPONSE, new Example(response, response::encode));
        Replicate replicate = new Replicate(42, "orders", CONFIG_B, 7, List.of(
                new ReplicaEntry(KEY, VALUE, 9, 1L << 40, 1_700_000_002_000L, 1_700_000_003_000L, 12),
                new ReplicaEntry(bytes("gone"), null, 10, (1L << 40) + 1)),
                new ForwardedReply(B, 77, OpResponse.status(Status.OK, 42).encode()));
        m.put(MessageType.REPLICATE, new Example(replicate, replicate::encode));
        ReplicateResponse replicateResponse = new ReplicateResponse(Status.REJECTED, 43);
        m.put(MessageType.REPLICATE_RESPONSE, new Example(replicateResponse, replicateResponse::encode));
        TableMessage update = new TableMessage(MessageType.TABLE_UPDATE, table());
        m.put(MessageType.TABLE_UPDATE, new Example(update, update::encode));
        TransferDone transferDone = new TransferDone(42, 3, List.of(A, B), 40);
        m.put(MessageType.TRANSFER_DONE, new Example(transferDone, transferDone::encode));
        TableQuery tableQuery = new TableQuery();
        m.put(MessageType.TABLE_QUERY, new Example(tableQuery, tableQuery::encode));
        TableMessage tableResponse = new TableMessage(MessageType.TABLE_RESPONSE, table(), List.of(A, B));
        m.put(MessageType.TABLE_RESPONSE, new Example(tableResponse, tableResponse::encode));
        LeaveRequest leave = new LeaveRequest(A);
        m.put(MessageType.LEAVE_REQUEST, new Example(leave, leave::encode));
        SizeQuery sizeQuery = new SizeQuery("orders");
        m.put(MessageType.SIZE_QUERY, new Example(sizeQuery, sizeQuery::encode));
        SizeResponse sizeResponse = new SizeResponse(123_456_789L);
        m.put(MessageType.SIZE_RESPONSE, new Example(sizeResponse, sizeResponse::encode));
        EntriesQuery entriesQuery = new EntriesQuery(42, "orders", 7);
        m.put(MessageType.ENTRIES_QUERY, new Example(entriesQuery, entriesQuery::encode));
        EntriesResponse entriesResponse = new EntriesResponse(Status.OK, List.of(KEY, bytes("key-2")),
                List.of(VALUE, bytes("value-2")));
        m.put(MessageType.ENTRIES_RESPONSE, new Example(entriesResponse, entriesResponse::encode));
        MergeOut mergeOut = new MergeOut(table());
        m.put(MessageType.MERGE_OUT, new Example(mergeOut, mergeOut::encode));
        MergeOutDone mergeOutDone = new MergeOutDone(17);
        m.put(MessageType.MERGE_OUT_DONE, new Example(mergeOutDone, mergeOutDone::encode));
        MergeEntries mergeEntries = new MergeEntries(new Replicate(43, "orders", CONFIG_A, 2,
                List.of(new ReplicaEntry(KEY, VALUE, 11, 1L << 41, 1_700_000_004_000L))));
        m.put(MessageType.MERGE_ENTRIES, new Example(mergeEntries, mergeEntries::encode));
        Invalidations invalidations = new Invalidations("orders", List.of(new Invalidations.Entry(7, 99, KEY),
                new Invalidations.Entry(8, 100, bytes("key-2"))));
        m.put(MessageType.INVALIDATIONS, new Example(invalidations, invalidations::encode));
        ListenerInterests interests = new ListenerInterests(5, List.of(new ListenerInterests.Interest("orders", true),
                new ListenerInterests.Interest("users", false)));
        m.put(MessageType.LISTENER_INTERESTS, new Example(interests, interests::encode));
        EntryEvents events = new EntryEvents("orders", List.of(
                new EntryEvents.Event(EntryEventType.ADDED, KEY, VALUE, null),
                new EntryEvents.Event(EntryEventType.UPDATED, KEY, bytes("value-2"), VALUE),
                new EntryEvents.Event(EntryEventType.REMOVED, KEY, null, bytes("value-2")),
                new EntryEvents.Event(EntryEventType.EXPIRED, KEY, null, null),
                new EntryEvents.Event(EntryEventType.EVICTED, bytes("key-2"), null, null)));
        m.put(MessageType.ENTRY_EVENTS, new Example(events, events::encode));
        WriteBehindFlushed flushed = new WriteBehindFlushed("orders", 7, List.of(new WriteBehindFlushed.Key(KEY, 9),
                new WriteBehindFlushed.Key(bytes("key-2"), 10)));
        m.put(MessageType.WRITE_BEHIND_FLUSHED, new Example(flushed, flushed::encode));
        Fence fence = new Fence(43, new int[] {1, 5, 9});
        m.put(MessageType.FENCE, new Example(fence, fence::encode));
        CompatibilityInfo compatibility = new CompatibilityInfo("member-1", 1, 271, List.of(
                new CompatibilityInfo.RegisteredType("com.example.Order", 2_100_000, "record(id:long,total:int)")));
        m.put(MessageType.COMPATIBILITY, new Example(compatibility, compatibility::encode));
        DestroyMap destroy = new DestroyMap("orders");
        m.put(MessageType.DESTROY_MAP, new Example(destroy, destroy::encode));
        ScanMessages.ScanQuery scan = new ScanMessages.ScanQuery(42, "orders", new int[] {3, 7, 9}, 1, 10_000, 1 << 20, true);
        m.put(MessageType.SCAN_QUERY, new Example(scan, scan::encode));
        ScanMessages.ScanPage page = new ScanMessages.ScanPage(3, List.of(
                new ScanMessages.PartitionEntries(7, Status.OK, 2, List.of(KEY, bytes("key-2")), List.of(VALUE, bytes("value-2"))),
                ScanMessages.PartitionEntries.refused(9, Status.WRONG_OWNER)));
        m.put(MessageType.SCAN_PAGE, new Example(page, page::encode));
        ScanMessages.ClearPartitions clear = new ScanMessages.ClearPartitions(42, "orders", CONFIG_B, new int[] {3, 7},
                1_700_000_005_000L, A);
        m.put(MessageType.CLEAR_PARTITIONS, new Example(clear, clear::encode));
        ScanMessages.PartitionsCleared cleared = new ScanMessages.PartitionsCleared(new int[] {7});
        m.put(MessageType.PARTITIONS_CLEARED, new Example(cleared, cleared::encode));
        LeaseMessages.LeasePing ping = new LeaseMessages.LeasePing(12);
        m.put(MessageType.LEASE_PING, new Example(ping, ping::encode));
        LeaseMessages.LeaseAck ack = new LeaseMessages.LeaseAck(true, 12, 43);
        m.put(MessageType.LEASE_ACK, new Example(ack, ack::encode));
        return m;
    }

    @Test
    void everyMessageType_roundTrips_andStartsWithItsId() {
        Map<MessageType, Example> examples = examples();
        assertThat(examples.keySet()).as("an example of every message type").containsExactlyInAnyOrder(MessageType.values());
        examples.forEach((type, example) -> {
            byte[] encoded = example.encoder().get();
            assertThat(encoded[0]).as("first byte of %s", type).isEqualTo(type.id);
            assertThat(Messages.typeOf(encoded)).isSameAs(type);
            Object decoded = Messages.decode(encoded, example.message().getClass());
            assertThat(sameFields(decoded, example.message()))
                    .as("%s decodes to its fields: %s, got %s", type, example.message(), decoded).isTrue();
        });
    }

    @Test
    void everyMessageType_keepsItsExactBytes() {
        Map<MessageType, String> actual = new EnumMap<>(MessageType.class);
        examples().forEach((type, example) -> actual.put(type, HexFormat.of().formatHex(example.encoder().get())));
        if (!actual.equals(ENCODED)) {
            StringBuilder paste = new StringBuilder();
            actual.forEach((type, hex) -> paste.append("            entry(MessageType.").append(type).append(", \"")
                    .append(hex).append("\"),\n"));
            List<MessageType> changed = Arrays.stream(MessageType.values())
                    .filter(t -> !Objects.equals(actual.get(t), ENCODED.get(t))).toList();
            fail("the encoding of " + changed + " changed; today's encodings:\nBEGIN-ENCODED\n" + paste + "END-ENCODED");
        }
    }

    @Test
    void putAllEntries_keepTheirBytes() {
        byte[] packed = PackedEntries.encode(List.of(bytes("k1"), bytes("v1"), bytes("k2"), bytes("v22")), 0);
        // count 2, then each key and value as length + bytes
        assertThat(HexFormat.of().formatHex(packed))
                .isEqualTo("00000002" + "00000002" + "6b31" + "00000002" + "7631" + "00000002" + "6b32" + "00000003" + "763232");
        assertThat(PackedEntries.decode(packed)).containsExactly(bytes("k1"), bytes("v1"), bytes("k2"), bytes("v22"));
    }

    /** The bytes of {@link #examples()}: hex, as encoded when this test was written (wire version 1;
     * version 2 added the target epoch to tables and transfer notices; version 5 the announced entry count of REPLICATE;
     * version 6 the map header's kind byte and digest). */
    private static final Map<MessageType, String> ENCODED = Map.ofEntries(
            entry(MessageType.CLIENT_OP, "01000000000000002a019fa3c8fffafab0a6000000066f726465727302010100000000640000000000000bb8ffffffff00000000000493e00000000000015f900000000000000027100000000000000000100000000264620000000000000003e8000003e8000186a00000000709000000056b65792d310000000776616c75652d31000000036f6c6400000000000000050000018bcfe5680002111213141516171801020304050607080000000000007530"),
            entry(MessageType.OP_RESPONSE, "0204010000000776616c75652d310000000000000009000000000000002a00000004626f6f6d0000018bcfe56be8"),
            entry(MessageType.REPLICATE, "03000000000000002a0184ce533fa223be06000000066f726465727301000001000000000000000000000000ffffffff000000000000000000000000000000000100000000000000000000000000100000100000000264620100000000000000fa000003e8000186a00000000700000002000000056b65792d310000000776616c75652d31000000000000000900000100000000000000018bcfe56fd00000018bcfe573b80000000c00000004676f6e65ffffffff000000000000000a00000100000000010000000000000000000000000000000000000000010231323334353637382122232425262728000000000000004d00000023020000ffffffff0000000000000000000000000000002affffffff000000000000000000000000"),
            entry(MessageType.REPLICATE_RESPONSE, "0403000000000000002b"),
            entry(MessageType.TABLE_UPDATE, "0502000000000000002a0302021112131415161718010203040506070802313233343536373821222324252627280200010002010001002a01000200012a0000"),
            entry(MessageType.TRANSFER_DONE, "06000000000000002a000000030002021112131415161718010203040506070802313233343536373821222324252627280000000000000028"),
            entry(MessageType.TABLE_QUERY, "07"),
            entry(MessageType.TABLE_RESPONSE, "0802000000000000002a0302021112131415161718010203040506070802313233343536373821222324252627280200010002010001002a01000200012a000202111213141516171801020304050607080231323334353637382122232425262728"),
            entry(MessageType.LEAVE_REQUEST, "090211121314151617180102030405060708"),
            entry(MessageType.SIZE_QUERY, "0a000000066f7264657273"),
            entry(MessageType.SIZE_RESPONSE, "0b00000000075bcd15"),
            entry(MessageType.ENTRIES_QUERY, "0c000000000000002a000000066f726465727300000007"),
            entry(MessageType.ENTRIES_RESPONSE, "0d0000000002000000056b65792d310000000776616c75652d31000000056b65792d320000000776616c75652d32"),
            entry(MessageType.MERGE_OUT, "0e02000000000000002a0302021112131415161718010203040506070802313233343536373821222324252627280200010002010001002a01000200012a"),
            entry(MessageType.MERGE_OUT_DONE, "0f0000000000000011"),
            entry(MessageType.MERGE_ENTRIES, "10000000000000002b019fa3c8fffafab0a6000000066f726465727302010100000000640000000000000bb8ffffffff00000000000493e00000000000015f900000000000000027100000000000000000100000000264620000000000000003e8000003e8000186a00000000200000001000000056b65792d310000000776616c75652d31000000000000000b00000200000000000000018bcfe577a00000000000000000000000000000000000"),
            entry(MessageType.INVALIDATIONS, "11000000066f726465727300000002000000070000000000000063000000056b65792d31000000080000000000000064000000056b65792d32"),
            entry(MessageType.LISTENER_INTERESTS, "12000000000000000500000002000000066f72646572730100000005757365727300"),
            entry(MessageType.ENTRY_EVENTS, "13000000066f72646572730000000500000000056b65792d310000000776616c75652d31ffffffff01000000056b65792d310000000776616c75652d320000000776616c75652d3102000000056b65792d31ffffffff0000000776616c75652d3203000000056b65792d31ffffffffffffffff04000000056b65792d32ffffffffffffffff"),
            entry(MessageType.WRITE_BEHIND_FLUSHED, "15000000066f72646572730000000700000002000000056b65792d310000000000000009000000056b65792d32000000000000000a"),
            entry(MessageType.FENCE, "19000000000000002b00000003000000010000000500000009"),
            entry(MessageType.COMPATIBILITY, "1a000000086d656d6265722d31000000010000010f0000000100000011636f6d2e6578616d706c652e4f7264657200200b20000000197265636f72642869643a6c6f6e672c746f74616c3a696e7429"),
            entry(MessageType.DESTROY_MAP, "1b000000066f7264657273"),
            entry(MessageType.SCAN_QUERY, "1c000000000000002a000000066f72646572730000000300000003000000070000000900000001000027100010000001"),
            entry(MessageType.SCAN_PAGE, "1d00000003000000020000000700000000000000000200000002000000056b65792d310000000776616c75652d31000000056b65792d320000000776616c75652d320000000901000000000000000000000000"),
            entry(MessageType.CLEAR_PARTITIONS, "1e000000000000002a0184ce533fa223be06000000066f726465727301000001000000000000000000000000ffffffff000000000000000000000000000000000100000000000000000000000000100000100000000264620100000000000000fa000003e8000186a00000000200000003000000070000018bcfe57b880211121314151617180102030405060708"),
            entry(MessageType.PARTITIONS_CLEARED, "1f0000000100000007"),
            entry(MessageType.LEASE_PING, "20000000000000000c"),
            entry(MessageType.LEASE_ACK, "2101000000000000000c000000000000002b")
    );

    // ---- helpers ----

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Field-by-field equality through records and lists, with arrays compared by content. */
    private static boolean sameFields(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.getClass().isArray()) {
            return Objects.deepEquals(a, b);
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            if (la.size() != lb.size()) {
                return false;
            }
            for (int i = 0; i < la.size(); i++) {
                if (!sameFields(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.getClass().isRecord()) {
            if (a.getClass() != b.getClass()) {
                return false;
            }
            try {
                for (RecordComponent c : a.getClass().getRecordComponents()) {
                    Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    if (!sameFields(accessor.invoke(a), accessor.invoke(b))) {
                        return false;
                    }
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            return true;
        }
        return a.equals(b);
    }
}
