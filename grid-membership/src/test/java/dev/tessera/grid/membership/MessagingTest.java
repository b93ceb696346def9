package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessagingTest {

    private ChannelCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> numbered(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void broadcastReachesAllOthersExactlyOnceInFifoOrderAndNotTheSender() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        ChannelCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(a, b, c).stream()
                .allMatch(m -> m.channel().currentView().size() == 3));
        int n = 500;

        // two senders broadcast concurrently; each sender's order must hold at every receiver
        Thread fromB = new Thread(() -> numbered("b", n).forEach(s -> b.channel().broadcast(s.getBytes())));
        fromB.start();
        numbered("a", n).forEach(s -> a.channel().broadcast(s.getBytes()));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(b.messagesFrom(a.id())).hasSize(n);
            assertThat(c.messagesFrom(a.id())).hasSize(n);
            assertThat(a.messagesFrom(b.id())).hasSize(n);
            assertThat(c.messagesFrom(b.id())).hasSize(n);
        });
        assertThat(b.messagesFrom(a.id())).containsExactlyElementsOf(numbered("a", n));
        assertThat(c.messagesFrom(a.id())).containsExactlyElementsOf(numbered("a", n));
        assertThat(a.messagesFrom(b.id())).containsExactlyElementsOf(numbered("b", n));
        assertThat(c.messagesFrom(b.id())).containsExactlyElementsOf(numbered("b", n));
        assertThat(a.messagesFrom(a.id())).isEmpty();
        assertThat(b.messagesFrom(b.id())).isEmpty();
        assertThat(c.messages()).hasSize(2 * n); // exactly once: nothing else arrived
        // handlers ran on our worker threads
        assertThat(c.messages()).allSatisfy(r -> assertThat(r.thread()).startsWith("tessera-c-worker"));
    }

    @Test
    void sendIsReliableAndFifoPerSenderReceiverPair() {
        cluster = new ChannelCluster();
        ChannelCluster.Member a = cluster.start("a", null);
        ChannelCluster.Member b = cluster.start("b", null);
        ChannelCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(a, b, c).stream()
                .allMatch(m -> m.channel().currentView().size() == 3));
        int n = 1000;

        Thread fromC = new Thread(() -> numbered("c", n).forEach(s -> c.channel().send(b.id(), s.getBytes())));
        fromC.start();
        numbered("a", n).forEach(s -> a.channel().send(b.id(), s.getBytes()));
        a.channel().send(a.id(), "to-self".getBytes());

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(b.messagesFrom(a.id())).hasSize(n);
            assertThat(b.messagesFrom(c.id())).hasSize(n);
        });
        assertThat(b.messagesFrom(a.id())).containsExactlyElementsOf(numbered("a", n));
        assertThat(b.messagesFrom(c.id())).containsExactlyElementsOf(numbered("c", n));
        assertThat(c.messages()).isEmpty();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(a.messagesFrom(a.id())).containsExactly("to-self"));
    }
}
