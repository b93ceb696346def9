package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MessagingTest {

    private TestCluster cluster;

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
        cluster = new TestCluster();
        TestCluster.Member a = cluster.start("a", null);
        TestCluster.Member b = cluster.start("b", null);
        TestCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(a, b, c).stream()
                .allMatch(m -> m.channel.currentView().size() == 3));
        int n = 500;

        // two senders broadcast concurrently; each sender's order must hold at every receiver
        Thread fromB = new Thread(() -> numbered("b", n).forEach(s -> b.channel.broadcast(s.getBytes())));
        fromB.start();
        numbered("a", n).forEach(s -> a.channel.broadcast(s.getBytes()));

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(b.messagesFrom(a.address())).hasSize(n);
            assertThat(c.messagesFrom(a.address())).hasSize(n);
            assertThat(a.messagesFrom(b.address())).hasSize(n);
            assertThat(c.messagesFrom(b.address())).hasSize(n);
        });
        assertThat(b.messagesFrom(a.address())).containsExactlyElementsOf(numbered("a", n));
        assertThat(c.messagesFrom(a.address())).containsExactlyElementsOf(numbered("a", n));
        assertThat(a.messagesFrom(b.address())).containsExactlyElementsOf(numbered("b", n));
        assertThat(c.messagesFrom(b.address())).containsExactlyElementsOf(numbered("b", n));
        assertThat(a.messagesFrom(a.address())).isEmpty();
        assertThat(b.messagesFrom(b.address())).isEmpty();
        assertThat(c.messages).hasSize(2 * n); // exactly once: nothing else arrived
        // handlers ran on our worker threads
        assertThat(c.messages).allSatisfy(r -> assertThat(r.thread()).startsWith("tessera-c-worker"));
    }

    @Test
    void sendIsReliableAndFifoPerSenderReceiverPair() {
        cluster = new TestCluster();
        TestCluster.Member a = cluster.start("a", null);
        TestCluster.Member b = cluster.start("b", null);
        TestCluster.Member c = cluster.start("c", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of(a, b, c).stream()
                .allMatch(m -> m.channel.currentView().size() == 3));
        int n = 1000;

        Thread fromC = new Thread(() -> numbered("c", n).forEach(s -> c.channel.send(b.address(), s.getBytes())));
        fromC.start();
        numbered("a", n).forEach(s -> a.channel.send(b.address(), s.getBytes()));
        a.channel.send(a.address(), "to-self".getBytes());

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(b.messagesFrom(a.address())).hasSize(n);
            assertThat(b.messagesFrom(c.address())).hasSize(n);
        });
        assertThat(b.messagesFrom(a.address())).containsExactlyElementsOf(numbered("a", n));
        assertThat(b.messagesFrom(c.address())).containsExactlyElementsOf(numbered("c", n));
        assertThat(c.messages).isEmpty();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(a.messagesFrom(a.address())).containsExactly("to-self"));
    }
}
