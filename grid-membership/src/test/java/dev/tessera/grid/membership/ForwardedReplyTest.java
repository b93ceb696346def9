package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A request answered by a member other than its target ({@link ClusterChannel#forwardReply}). */
class ForwardedReplyTest {

    private ChannelCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** b passes every request on to c, which answers the caller: how a primary lets its backup answer a write. */
    private static RequestHandler passOnTo(AtomicReference<ChannelCluster.Member> answerer) {
        return new RequestHandler() {
            @Override
            public CompletableFuture<byte[]> handle(MemberId sender, byte[] request) {
                throw new AssertionError("the channel passes request ids");
            }

            @Override
            public CompletableFuture<byte[]> handle(MemberId sender, long requestId, byte[] request) {
                ChannelCluster.Member c = answerer.get();
                if (c != null) {
                    c.channel().forwardReply(sender, requestId, ("c:" + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                }
                return CompletableFuture.completedFuture(ClusterChannel.REPLIED_ELSEWHERE);
            }
        };
    }

    @ParameterizedTest(name = "inline={0}")
    @ValueSource(booleans = {false, true})
    void theCallerTakesTheReplyOfTheMemberItsTargetPassedTheRequestOnTo(boolean inline) throws Exception {
        cluster = new ChannelCluster();
        AtomicReference<ChannelCluster.Member> answerer = new AtomicReference<>();
        ChannelCluster.Member a = cluster.start("a", ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start("b", passOnTo(answerer));
        ChannelCluster.Member c = cluster.start("c", ChannelCluster.echo("c"));
        answerer.set(c);
        awaitViewSize(3, a, b, c);

        byte[] reply = a.channel().request(b.id(), "hello".getBytes(StandardCharsets.UTF_8), new RequestOptions(5_000, inline, false))
                .get(5, TimeUnit.SECONDS);

        assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("c:hello");
        assertThat(a.channel().forwardedRepliesReceived()).isEqualTo(1);
        assertThat(a.channel().pendingRequests()).isZero();
    }

    @Test
    void aTargetThatPassedTheRequestOnSendsNoReplyOfItsOwn() {
        cluster = new ChannelCluster();
        AtomicReference<ChannelCluster.Member> nobody = new AtomicReference<>();
        ChannelCluster.Member a = cluster.start("a", ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start("b", passOnTo(nobody));
        awaitViewSize(2, a, b);

        CompletableFuture<byte[]> reply = a.channel().request(b.id(), "hello".getBytes(StandardCharsets.UTF_8), RequestOptions.timeout(300).andInline());

        await().atMost(Duration.ofSeconds(5)).until(reply::isDone);
        assertThat(reply).as("no empty reply from b: only the member it passed the request on to answers")
                .isCompletedExceptionally();
        try {
            reply.get();
        } catch (ExecutionException | InterruptedException e) {
            assertThat(e.getCause()).isInstanceOf(RequestTimeoutException.class);
        }
    }

    private static void awaitViewSize(int size, ChannelCluster.Member... members) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (ChannelCluster.Member m : members) {
                if (m.channel().currentView().size() != size) {
                    return false;
                }
            }
            return true;
        });
    }
}
