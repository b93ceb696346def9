package dev.tessera.grid.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.TopologyMessages;
import dev.tessera.grid.membership.RequestOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member of the view that is not the coordinator sends the control messages only the coordinator (or the member
 * concerned) may send. Each is refused and counted, and no entry is lost. Before the trust checks, the forged table
 * was applied by every member and its janitor cleared every record.
 */
class ForgedControlMessagesTest {
    private static final int ENTRIES = 1_000;
    private static TestCluster cluster;
    private static GridMap<String, String> map;

    @BeforeAll
    static void start() {
        cluster = TestCluster.start(3);
        map = cluster.member(0).map("orders");
        for (int i = 0; i < ENTRIES; i++) {
            map.put("k" + i, "v" + i);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aTableFromAMemberThatIsNotTheCoordinatorIsRefusedEverywhere() {
        TesseraGrid forger = nonCoordinator();
        long before = cluster.member(0).topology().table().version();
        // every partition owned by the forger alone, version far ahead: applied, it would make the others drop all data
        PartitionTable forged = tableOwnedBy(forger.topology().self(), 1_000_000_000L);
        long[] refused = notPermitted();
        forger.channel().broadcast(new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE, forged).encode());

        awaitRefusedByEveryOtherMember(forger, refused);
        for (TesseraGrid g : cluster.members()) {
            assertThat(g.topology().table().version()).as(g.toString()).isEqualTo(before);
        }
        assertEveryEntryReadableFromEveryMember();
    }

    @Test
    void aTableFromTheCoordinatorThatStrandsALivePartitionIsRefused() {
        TesseraGrid coordinator = coordinator();
        PartitionTable current = coordinator.topology().table();
        MemberId[][] owners = current.ownersArray();
        owners[7] = new MemberId[0]; // partition 7's replicas are alive, the table gives it no owner
        PartitionTable forged = new PartitionTable(current.version() + 100, owners, null);
        long[] refused = notPermitted();
        coordinator.channel().broadcast(new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE, forged).encode());

        awaitRefusedByEveryOtherMember(coordinator, refused);
        for (TesseraGrid g : cluster.members()) {
            assertThat(g.topology().table().owners(7)).as(g.toString()).isNotEmpty();
        }
        assertEveryEntryReadableFromEveryMember();
    }

    @Test
    void aTableNamingOwnersOutsideTheViewIsNotApplied() {
        TesseraGrid coordinator = coordinator();
        long before = coordinator.topology().table().version();
        MemberId stranger = MemberId.random();
        coordinator.channel().broadcast(new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE,
                tableOwnedBy(stranger, before + 100)).encode());
        // it is held for a view that would contain the stranger; a later real table replaces it
        GridMap<String, String> probe = cluster.member(1).map("orders");
        assertThat(probe.get("k1")).isEqualTo("v1");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                cluster.members().stream().allMatch(g -> g.topology().table().version() == before));
        assertEveryEntryReadableFromEveryMember();
    }

    @Test
    void aLeaveRequestForAnotherMemberIsRefused() {
        TesseraGrid forger = nonCoordinator();
        TesseraGrid victim = cluster.members().stream().filter(g -> g != forger && g != coordinator()).findFirst().orElseThrow();
        TesseraGrid coordinator = coordinator();
        long before = coordinator.introspection().rejectedMessages().notPermitted();
        long version = coordinator.topology().table().version();
        forger.channel().send(coordinator.topology().self(), new TopologyMessages.LeaveRequest(victim.topology().self()).encode());

        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.introspection().rejectedMessages().notPermitted() > before);
        assertThat(coordinator.topology().table().version()).isEqualTo(version);
        assertThat(primariesOf(victim)).isGreaterThan(0);
    }

    @Test
    void aTransferNoticeFromAMemberThatIsNotThePrimaryIsRefused() {
        TesseraGrid coordinator = coordinator();
        PartitionTable t = coordinator.topology().table();
        TesseraGrid forger = nonCoordinator();
        int p = 0;
        while (forger.topology().self().equals(t.primary(p))) {
            p++;
        }
        long before = coordinator.introspection().rejectedMessages().notPermitted();
        forger.channel().send(coordinator.topology().self(),
                new TopologyMessages.TransferDone(t.version(), p, List.of(forger.topology().self()), t.targetEpoch(p)).encode());

        await().atMost(Duration.ofSeconds(10)).until(() -> coordinator.introspection().rejectedMessages().notPermitted() > before);
        assertThat(coordinator.topology().table().version()).isEqualTo(t.version());
    }

    @Test
    void aMergeOutRequestFromAMemberThatIsNotTheCoordinatorIsRefused() {
        TesseraGrid forger = nonCoordinator();
        TesseraGrid target = cluster.members().stream().filter(g -> g != forger).findFirst().orElseThrow();
        long before = target.introspection().rejectedMessages().notPermitted();
        // a merge-out makes its receiver stop serving and push its data away
        byte[] mergeOut = new TopologyMessages.MergeOut(tableOwnedBy(forger.topology().self(), 1_000_000_000L)).encode();

        assertThatThrownBy(() -> forger.channel().request(target.topology().self(), mergeOut, RequestOptions.timeout(10_000)).join())
                .hasMessageContaining("not the coordinator");
        assertThat(target.introspection().rejectedMessages().notPermitted()).isGreaterThan(before);
        assertEveryEntryReadableFromEveryMember();
    }

    // ---- helpers

    private static TesseraGrid coordinator() {
        return cluster.members().stream().filter(g -> g.channel().isCoordinator()).findFirst().orElseThrow();
    }

    private static TesseraGrid nonCoordinator() {
        return cluster.members().stream().filter(g -> !g.channel().isCoordinator()).reduce((a, b) -> b).orElseThrow();
    }

    private static PartitionTable tableOwnedBy(MemberId owner, long version) {
        int partitions = cluster.member(0).topology().table().partitionCount();
        MemberId[][] owners = new MemberId[partitions][];
        Arrays.setAll(owners, p -> new MemberId[] {owner});
        return new PartitionTable(version, owners, null);
    }

    private static long[] notPermitted() {
        return cluster.members().stream().mapToLong(g -> g.introspection().rejectedMessages().notPermitted()).toArray();
    }

    private static void awaitRefusedByEveryOtherMember(TesseraGrid sender, long[] before) {
        List<TesseraGrid> members = cluster.members();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (int i = 0; i < members.size(); i++) {
                TesseraGrid g = members.get(i);
                if (g != sender && g.introspection().rejectedMessages().notPermitted() <= before[i]) {
                    return false;
                }
            }
            return true;
        });
    }

    private static long primariesOf(TesseraGrid g) {
        PartitionTable t = g.topology().table();
        long n = 0;
        for (int p = 0; p < t.partitionCount(); p++) {
            if (g.topology().self().equals(t.primary(p))) {
                n++;
            }
        }
        return n;
    }

    private static void assertEveryEntryReadableFromEveryMember() {
        for (TesseraGrid g : cluster.members()) {
            GridMap<String, String> m = g.map("orders");
            int present = 0;
            for (int i = 0; i < ENTRIES; i++) {
                if (("v" + i).equals(m.get("k" + i))) {
                    present++;
                }
            }
            assertThat(present).as("entries readable from " + g).isEqualTo(ENTRIES);
        }
        assertThat(cluster.copyCounts("orders")).containsExactly((long) ENTRIES, (long) ENTRIES);
    }
}
