package dev.tessera.grid.core.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Security;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.testkit.Heap;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.core.wire.QueryMessages;
import dev.tessera.grid.core.wire.TopologyMessages;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import dev.tessera.grid.membership.MemberId;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.IpAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile bytes against members that share a secret, from an outsider who does not have it: 10,000 JGroups messages
 * with random payloads and 10,000 mutated well-formed Tessera frames (tables, migration and merge commands, copies,
 * queries) under made-up and real sender addresses, plus raw garbage written straight to the member's TCP socket.
 * None of it reaches Tessera (the encryption layer drops it: nothing is even counted as malformed), the members stay
 * up with every entry, and their threads and heap stay bounded.
 */
class SecuredMemberFuzzTest {
    private static final String SECRET = "fuzz-test-shared-secret-0123456789";
    private static final int ENTRIES = 500;
    private static final int FRAMES = 10_000;

    @TempDir
    Path discovery;
    private AttackedPair pair;
    private List<Grid> members;
    private Outsider outsider;

    @BeforeEach
    void start() throws Exception {
        pair = AttackedPair.start("secured-fuzz", discovery, ENTRIES, b -> b.security(Security.sharedSecret(SECRET)));
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
    void randomAndMutatedFramesWithoutTheSecretReachNothing() throws Exception {
        TesseraGrid victim = (TesseraGrid) members.get(1);
        MemberId victimAddress = victim.topology().self();
        PhysicalAddress socket = outsider.aimAt(victim);
        long tableBefore = victim.topology().table().version();
        List<byte[]> corpus = wellFormed(victim);
        Random random = new Random(20261203L);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = Heap.usedAfterGc();
        WarningCounter warnings = WarningCounter.attach();

        List<MemberId> senders = List.of(MemberId.random(), MemberId.random(), outsider.id(),
                ((TesseraGrid) members.get(0)).topology().self()); // even posing as the other member
        for (int i = 0; i < FRAMES; i++) {
            byte[] noise = new byte[random.nextInt(2_000)];
            random.nextBytes(noise);
            outsider.send(victimAddress, noise, senders.get(i % senders.size()));
            byte[] frame = FrameMutation.mutate(corpus.get(random.nextInt(corpus.size())), random);
            outsider.send(victimAddress, frame, senders.get((i + 1) % senders.size()));
        }
        IpAddress ip = (IpAddress) socket;
        for (int c = 0; c < 100; c++) { // garbage that is not even a JGroups connection
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(ip.getIpAddress(), ip.getPort()), 2_000);
                OutputStream out = raw.getOutputStream();
                byte[] garbage = new byte[1 + random.nextInt(4_096)];
                random.nextBytes(garbage);
                out.write(garbage);
                out.flush();
            } catch (java.io.IOException closedByTheMember) {
                // the member hung up on it: fine
            }
        }

        warnings.detach();
        // a member request round trip after the flood: everything before it was processed or dropped
        GridMap<String, String> fromVictim = victim.map("orders");
        for (int i = 0; i < ENTRIES; i++) {
            assertThat(fromVictim.get("k" + i)).isEqualTo("v" + i);
        }
        for (Grid g : members) {
            assertThat(g.isRunning()).isTrue();
            assertThat(g.members()).hasSize(2);
            assertThat(g.introspection().rejectedMessages().total()).as("frames that got past the encryption").isZero();
        }
        assertThat(victim.topology().table().version()).isEqualTo(tableBefore);
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("threads").isLessThan(threadsBefore + 64);
        assertThat(Heap.usedAfterGc() - heapBefore).as("heap growth").isLessThan(64L << 20);
        assertThat(warnings.count.get()).as("warnings logged for %d hostile frames", 2 * FRAMES).isLessThan(50);
    }

    private static List<byte[]> wellFormed(TesseraGrid target) {
        PartitionTable t = target.topology().table();
        MemberId[][] owners = new MemberId[t.partitionCount()][];
        Arrays.setAll(owners, p -> new MemberId[] {MemberId.random()});
        PartitionTable forged = new PartitionTable(t.version() + 1_000, owners, null);
        return List.of(
                Outsider.oneWay(new TopologyMessages.TableMessage(MessageType.TABLE_UPDATE, forged).encode()),
                Outsider.oneWay(new TopologyMessages.LeaveRequest(target.topology().self()).encode()),
                Outsider.oneWay(new TopologyMessages.TransferDone(t.version(), 3, List.of(target.topology().self()), t.targetEpoch(3)).encode()),
                Outsider.request(1, new TopologyMessages.MergeOut(forged).encode()),
                Outsider.request(2, new QueryMessages.EntriesQuery(t.version(), "orders", 3).encode()),
                Outsider.request(3, new QueryMessages.SizeQuery("orders").encode()));
    }

}
