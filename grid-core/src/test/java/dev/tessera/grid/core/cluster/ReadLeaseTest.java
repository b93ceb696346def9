package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import dev.tessera.grid.core.wire.MessageType;
import dev.tessera.grid.membership.MemberId;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.protocols.DROP;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The read lease of CONSISTENT maps (ADR 0013), on three in-process members. */
class ReadLeaseTest {
    private static final Logger log = LoggerFactory.getLogger(ReadLeaseTest.class);
    private static final MapConfig CONSISTENT = MapConfig.builder().backups(1).splitBrainMode(SplitBrainMode.CONSISTENT).build();
    // ClusterChannel's frame types (membership's Frames): a request carries its body after a 9-byte header
    private static final byte REQUEST = 1;
    private static final byte MESSAGE = 5;
    private static final byte BROADCAST = 6;
    private static final byte REQUEST_INLINE = 7;

    /**
     * The pause seen from inside: everything the old primary sends is dropped, so the others exclude it, promote its
     * backup and write a new value, while it still gets their heartbeats (not their messages), keeps its old view and
     * table, and believes it is the primary, as a SIGSTOPped process does when it resumes. Without the lease it answers the old value from memory.
     */
    @Test
    void pausedOldPrimary_refusesStaleRead_afterTheOthersPromotedAndWrote() {
        try (TestCluster cluster = TestCluster.start(3, b -> b.operationTimeout(Duration.ofSeconds(3)))) {
            TesseraGrid old = cluster.member(2);
            GridMap<String, String> writer = cluster.member(0).map("cp", CONSISTENT);
            String key = keyWithPrimary(writer, old);
            writer.put(key, "old");
            GridMap<String, String> onOld = old.map("cp", CONSISTENT);
            assertThat(onOld.get(key)).isEqualTo("old");
            assertThat(old.readLease().holds()).as("lease held while all is well").isTrue();

            DROP silence = dropOutgoing(old, m -> true);
            // nor does it hear the members' messages (tables, lease answers); JGroups' own traffic, heartbeats
            // included, still reaches it, so it suspects no one and keeps its view
            silence.addUpFilter(m -> m instanceof BytesMessage);
            await("the others exclude the silent primary").atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.member(0).members().size() == 2 && cluster.member(1).members().size() == 2);
            writer.put(key, "new"); // at the promoted backup
            assertThat(cluster.member(1).<String, String>map("cp", CONSISTENT).get(key)).isEqualTo("new");
            assertThat(old.members()).as("the old primary still sees its old view, as after a pause").hasSize(3);
            MemberId self = old.topology().self();
            int p = writer.partitionOf(key);
            assertThat(old.topology().table().primary(p)).as("and still believes it is the primary").isEqualTo(self);

            String read;
            try {
                read = onOld.get(key);
            } catch (RuntimeException refused) {
                log.info("the old primary refused: {}", refused.toString());
                read = "refused: " + refused.getClass().getSimpleName();
            }
            assertThat(read).as("what the old primary answered for a key overwritten elsewhere").isNotEqualTo("old");
            assertThat(old.readLease().holds()).isFalse();

            removeDrop(old, silence);
            await("merged back").atMost(Duration.ofSeconds(60)).until(() -> cluster.members().stream()
                    .allMatch(g -> g.members().size() == 3));
            cluster.awaitStable();
            await("the former primary serves again, the new value").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "new".equals(onOld.get(key)));
        }
    }

    /** A held lease costs no message: local reads of a CONSISTENT map send nothing and are never retried. */
    @Test
    void localReadsUnderAValidLease_sendNoMessage() {
        try (TestCluster cluster = TestCluster.start(3)) {
            TesseraGrid reader = cluster.member(1);
            GridMap<String, String> map = reader.map("cp", CONSISTENT);
            String key = keyWithPrimary(map, reader);
            map.put(key, "v");
            await("lease held").atMost(Duration.ofSeconds(10)).until(() -> reader.readLease().holds());
            AtomicLong sent = new AtomicLong();
            AtomicLong pings = new AtomicLong();
            DROP counter = dropOutgoing(reader, m -> {
                if (!(m instanceof BytesMessage) || m.getArray() == null || m.getLength() < 1) {
                    return false; // JGroups' own (heartbeats, acknowledgements)
                }
                byte[] b = m.getArray();
                int off = m.getOffset();
                byte frame = b[off];
                if ((frame == REQUEST || frame == REQUEST_INLINE) && m.getLength() > 9 && b[off + 9] == MessageType.LEASE_PING.id) {
                    pings.incrementAndGet();
                } else if (frame == REQUEST || frame == REQUEST_INLINE || frame == MESSAGE || frame == BROADCAST) {
                    sent.incrementAndGet();
                }
                return false;
            });
            long retriesBefore = reader.introspection().operationStats().retries();
            long roundsBefore = reader.readLease().rounds();
            int reads = 20_000;
            int hits = 0;
            for (int i = 0; i < reads; i++) {
                hits += "v".equals(map.get(key)) ? 1 : 0;
            }
            long rounds = reader.readLease().rounds() - roundsBefore;
            removeDrop(reader, counter);
            log.info("{} local reads: {} requests or messages sent, {} lease pings in {} background rounds", reads, sent.get(),
                    pings.get(), rounds);
            assertThat(hits).isEqualTo(reads);
            assertThat(sent.get()).as("requests or one-way messages sent while reading").isZero();
            assertThat(pings.get()).as("lease pings: only the background rounds' (2 per round)").isLessThanOrEqualTo(2 * (rounds + 1));
            assertThat(reader.introspection().operationStats().retries() - retriesBefore).as("reads retried").isZero();
        }
    }

    private static String keyWithPrimary(GridMap<String, String> map, TesseraGrid owner) {
        MemberId id = owner.topology().self();
        for (int i = 0; ; i++) {
            String k = "k" + i;
            if (id.equals(owner.topology().table().primary(map.partitionOf(k)))) {
                return k;
            }
        }
    }

    /** A DROP right above the transport of {@code g}'s stack, dropping what {@code filter} accepts on the way out. */
    private static DROP dropOutgoing(TesseraGrid g, java.util.function.Predicate<Message> filter) {
        DROP drop = new DROP();
        drop.addDownFilter(filter);
        try {
            g.channel().jgroupsChannel().getProtocolStack().insertProtocol(drop, ProtocolStack.Position.ABOVE, TP.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return drop;
    }

    private static void removeDrop(TesseraGrid g, DROP drop) {
        drop.clearAllFilters();
        g.channel().jgroupsChannel().getProtocolStack().removeProtocol(drop);
    }
}
