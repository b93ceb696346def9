package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tessera.grid.testkit.channel.ChannelCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Shared-secret stacks in process: who may join, what a refused joiner is told, what an outsider sees. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedSecretStackTest {
    private static final String SECRET = "correct horse battery staple";
    private static final String OTHER = "a completely different secret";

    private final ChannelCluster cluster = new ChannelCluster();
    private JChannel plain;

    @AfterEach
    void tearDown() {
        if (plain != null) {
            plain.close();
        }
        cluster.close();
    }

    private ChannelSettings secured(String name, String secret, String... alsoAccepted) {
        return cluster.settings(name, null).withSecurity(MemberSecurity.SharedSecret.of(secret, alsoAccepted));
    }

    @Test
    void membersWithTheSameSecretJoinAndTalk() {
        ChannelCluster.Member a = cluster.start(secured("a", SECRET), ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start(secured("b", SECRET), ChannelCluster.echo("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.lastViewNames().size() == 2 && b.lastViewNames().size() == 2);

        byte[] reply = b.channel().request(a.id(), "ping".getBytes(), RequestOptions.timeout(5_000)).join();
        assertThat(new String(reply)).isEqualTo("a:ping");
        a.channel().send(b.id(), "hello".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> b.messagesFrom(a.id()).contains("hello"));
        assertThat((Object) a.channel().jgroupsChannel().getProtocolStack().findProtocol(SealedEncrypt.class)).isNotNull();
    }

    @Test
    void aWrongSecretIsRefusedWithAClearErrorWithinTheJoin() {
        cluster.start(secured("a", SECRET), ChannelCluster.echo("a"));
        long start = System.nanoTime();
        assertThatThrownBy(() -> cluster.start(secured("intruder", OTHER), null))
                .isInstanceOf(MembershipSecurityException.class)
                .hasMessageContaining("cluster '" + cluster.clusterName() + "'")
                .hasMessageContaining("refused this member: wrong shared secret")
                .hasMessageNotContaining(OTHER);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMemberWithoutSecretIsRefusedAndAMemberWithASecretDoesNotJoinAnInsecureCluster() {
        cluster.start(secured("a", SECRET), ChannelCluster.echo("a"));
        assertThatThrownBy(() -> cluster.start(cluster.settings("nosecret", null), null))
                .isInstanceOf(MembershipSecurityException.class)
                .hasMessageContaining("requires a shared secret");

        ChannelCluster open = new ChannelCluster();
        try (open) {
            open.start(open.settings("insecure", null), null);
            assertThatThrownBy(() -> open.start(open.settings("careful", null)
                    .withSecurity(MemberSecurity.SharedSecret.of(SECRET)), null))
                    .isInstanceOf(MembershipSecurityException.class)
                    .hasMessageContaining("run without a shared secret");
        }
    }

    @Test
    void aPlainJGroupsChannelCannotJoinNorReadTheClusterTraffic() throws Exception {
        ChannelCluster.Member a = cluster.start(secured("a", SECRET), ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start(secured("b", SECRET), ChannelCluster.echo("b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.lastViewNames().size() == 2);

        // stock protocols (the same plaintext stack Tessera builds without a secret)
        plain = new JChannel(Stacks.inProcess(cluster.settings("outsider", null)));
        List<String> seen = new CopyOnWriteArrayList<>();
        plain.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                seen.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.ISO_8859_1));
            }

            @Override
            public void viewAccepted(View view) {
            }
        });
        assertThatThrownBy(() -> plain.connect(cluster.clusterName())).isInstanceOf(SecurityException.class)
                .hasMessageContaining("requires a shared secret");
        plain.close();

        // connected on its own (no join), it sends to the members directly: nothing reaches their handlers
        plain = new JChannel(Stacks.inProcess(cluster.settings("outsider2", null)));
        plain.connect("outsider-" + cluster.clusterName());
        plain.send(new BytesMessage(a.id().address(), "forged".getBytes()));
        a.channel().send(b.id(), "secret-payload".getBytes());
        await().atMost(Duration.ofSeconds(5)).until(() -> b.messagesFrom(a.id()).contains("secret-payload"));
        assertThat(a.messages()).noneMatch(r -> r.text().contains("forged"));
        assertThat(seen).noneMatch(s -> s.contains("secret-payload"));
        assertThat(a.lastViewNames()).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aRollingChangeOfTheSecretKeepsTheClusterTogether() {
        String next = "the next secret, rotated in";
        ChannelCluster.Member a = cluster.start(secured("a", SECRET), ChannelCluster.echo("a"));
        ChannelCluster.Member b = cluster.start(secured("b", SECRET), ChannelCluster.echo("b"));
        // phase 1: restart one by one, still sending with the old secret and accepting the new one
        b.channel().close();
        b = cluster.start(secured("b1", SECRET, next), ChannelCluster.echo("b1"));
        a.channel().close();
        a = cluster.start(secured("a1", SECRET, next), ChannelCluster.echo("a1"));
        // phase 2: the new secret, still accepting the old one
        b.channel().close();
        b = cluster.start(secured("b2", next, SECRET), ChannelCluster.echo("b2"));
        ChannelCluster.Member a1 = a;
        ChannelCluster.Member b2 = b;
        await().atMost(Duration.ofSeconds(10)).until(() -> a1.lastViewNames().size() == 2 && b2.lastViewNames().size() == 2);
        assertThat(new String(b2.channel().request(a1.id(), "x".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("a1:x");
        assertThat(new String(a1.channel().request(b2.id(), "y".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("b2:y");
        a1.channel().close();
        ChannelCluster.Member a2 = cluster.start(secured("a2", next, SECRET), ChannelCluster.echo("a2"));
        // phase 3: the old secret is dropped; a member still on the old secret alone is now refused
        b2.channel().close();
        ChannelCluster.Member b3 = cluster.start(secured("b3", next), ChannelCluster.echo("b3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> b3.lastViewNames().size() == 2);
        assertThat(new String(b3.channel().request(a2.id(), "z".getBytes(), RequestOptions.timeout(5_000)).join())).isEqualTo("a2:z");
        a2.channel().close();
        assertThatThrownBy(() -> cluster.start(secured("stale", SECRET), null))
                .isInstanceOf(MembershipSecurityException.class);
    }
}
