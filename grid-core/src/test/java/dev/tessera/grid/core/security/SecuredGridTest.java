package dev.tessera.grid.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.GridSecurityException;
import dev.tessera.grid.Security;
import dev.tessera.grid.testkit.TestCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A grid with a shared secret: members with it form the cluster and serve data; others are refused at start(). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecuredGridTest {
    private static final String SECRET = "grid-secret-of-sufficient-length";

    @Test
    void membersWithTheSecretServeDataAndOthersGetAGridSecurityException() {
        try (TestCluster cluster = TestCluster.start(2, b -> b.security(Security.sharedSecret(SECRET)))) {
            GridMap<String, String> m = cluster.member(0).map("orders");
            for (int i = 0; i < 200; i++) {
                m.put("k" + i, "v" + i);
            }
            GridMap<String, String> other = cluster.member(1).map("orders");
            for (int i = 0; i < 200; i++) {
                assertThat(other.get("k" + i)).isEqualTo("v" + i);
            }

            assertThatThrownBy(() -> cluster.builder().security(Security.sharedSecret("not-the-grid-secret-at-all")).start())
                    .isInstanceOf(GridSecurityException.class)
                    .hasMessageContaining("refused this member: wrong shared secret")
                    .hasMessageNotContaining("not-the-grid-secret");
            assertThatThrownBy(() -> cluster.builder().security(Security.insecure()).start())
                    .isInstanceOf(GridSecurityException.class)
                    .hasMessageContaining("requires a shared secret");
            assertThat(cluster.member(0).members()).hasSize(2);
            assertThat(other.get("k7")).isEqualTo("v7");
        }
    }
}
