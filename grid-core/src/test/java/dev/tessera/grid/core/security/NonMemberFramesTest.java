package dev.tessera.grid.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.QueryMessages;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.TopologyMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.tessera.grid.membership.MemberId;
import org.jgroups.protocols.UNICAST3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outsider on 127.0.0.1 who never joined: a bare JGroups TCP transport with the cluster's name (no membership
 * protocol, so it never enters a view) writes well-formed Tessera frames straight to a member's socket, under made-up
 * sender addresses and under its own: forged tables, leave, merge-out and migration commands, replica copies with the
 * newest possible version, and queries. Before the trust checks one such {@code TABLE_UPDATE} frame emptied the
 * cluster, and an {@code ENTRIES_QUERY} dumped a map; now every frame is dropped unanswered and counted.
 */
class NonMemberFramesTest {
    private static final int ENTRIES = 500;
    private static final int FAKE_SENDERS = 171;

    @TempDir
    Path discovery;
    private AttackedPair pair;
    private List<Grid> members;
    private Outsider outsider;

    @BeforeEach
    void start() throws Exception {
        pair = AttackedPair.start("outsider-test", discovery, ENTRIES, b -> { });
        outsider = pair.outsider();
        members = pair.members();
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void framesFromSendersOutsideTheViewAreDroppedUnansweredAndCounted() throws Exception {
        TesseraGrid victim = (TesseraGrid) members.get(1);
        MemberId victimAddress = victim.topology().self();
        outsider.aimAt(victim);
        long tableBefore = victim.topology().table().version();
        int partitions = victim.topology().table().partitionCount();

        List<byte[]> frames = new ArrayList<>();
        MemberId[][] owners = new MemberId[partitions][];
        Arrays.setAll(owners, p -> new MemberId[] {MemberId.random()});
        frames.add(Outsider.oneWay(new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE, new PartitionTable(1_000_000_000L, owners, null)).encode()));
        frames.add(Outsider.oneWay(new TopologyMessages.LeaveRequest(members.get(0) instanceof TesseraGrid g ? g.topology().self() : null).encode()));
        frames.add(Outsider.request(1, new TopologyMessages.MergeOut(new PartitionTable(1_000_000_000L, owners, null)).encode()));
        frames.add(Outsider.request(2, new QueryMessages.SizeQuery("orders").encode()));
        byte[] key = "k1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        frames.add(Outsider.request(3, new ReplicationMessages.Replicate(tableBefore, "orders", MapConfig.builder().backups(1).build(), 0,
                List.of(new ReplicationMessages.ReplicaEntry(key, new byte[] {1, 2, 3}, Long.MAX_VALUE, Long.MAX_VALUE))).encode()));
        frames.add(Outsider.oneWay(new TopologyMessages.TransferDone(tableBefore, 0, List.of(victimAddress), tableBefore).encode()));
        for (int p = 0; p < partitions; p++) {
            frames.add(Outsider.request(100 + p, new QueryMessages.EntriesQuery(tableBefore, "orders", p).encode()));
        }
        List<MemberId> fakes = new ArrayList<>();
        for (int i = 0; i < FAKE_SENDERS; i++) {
            fakes.add(MemberId.random());
        }
        fakes.add(outsider.id()); // its own address too: a reply would reach it
        long sent = 0;
        for (MemberId fake : fakes) {
            for (byte[] frame : frames) {
                outsider.send(victimAddress, frame, fake);
                sent++;
            }
        }
        // JGroups itself drops a few before they reach Tessera, and the last one-way frames wait for a view that would
        // admit their sender: wait until the count is settled, then compare
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(-1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = victim.introspection().rejectedMessages().fromNonMembers();
            return now > 0 && now == last.getAndSet(now);
        });
        assertThat(victim.introspection().rejectedMessages().fromNonMembers()).isGreaterThan(sent * 9 / 10);

        assertThat(victim.topology().table().version()).isEqualTo(tableBefore);
        assertThat(outsider.received.get()).as("answers the outsider received").isZero();
        UNICAST3 unicast = victim.channel().jgroupsChannel().getProtocolStack().findProtocol(UNICAST3.class);
        assertThat(fakes).noneMatch(f -> unicast.hasSendConnectionTo(f.address())); // nothing to retransmit to senders that are not members
        for (Grid g : members) {
            GridMap<String, String> m = g.map("orders");
            for (int i = 0; i < ENTRIES; i++) {
                assertThat(m.get("k" + i)).isEqualTo("v" + i);
            }
        }
        assertThat(victim.introspection().rejectedMessages().notPermitted()).isZero(); // never got past the channel
    }
}
