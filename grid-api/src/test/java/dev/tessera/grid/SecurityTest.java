package dev.tessera.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecurityTest {
    private static final String SECRET = "s3cr3t-that-is-long-enough";

    @Test
    void toStringNeverShowsSecretsOrPasswords(@TempDir Path dir) throws Exception {
        Security s = Security.sharedSecret(SECRET).acceptingPrevious("old-secret-also-long-enough");
        assertThat(s.toString()).doesNotContain(SECRET).doesNotContain("old-secret").contains("****");
        Path ks = Files.writeString(dir.resolve("k.p12"), "x");
        Security tls = Security.mutualTls(ks, "keypass-123", ks, "trustpass-456");
        assertThat(tls.toString()).doesNotContain("keypass-123").doesNotContain("trustpass-456");
        GridConfig cfg = Grid.builder().transport(Transport.inProcess()).security(s).build();
        assertThat(cfg.toString()).doesNotContain(SECRET);
    }

    @Test
    void shortOrMissingSecretsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> Security.sharedSecret("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> Security.sharedSecretFromEnv("TESSERA_TEST_SURELY_UNSET_VAR"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TESSERA_TEST_SURELY_UNSET_VAR is not set");
        assertThatThrownBy(() -> Security.sharedSecretFromEnv("V", Map.of("V", "tooShort")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs at least 16")
                .hasMessageNotContaining("tooShort");
        assertThat(Security.sharedSecretFromEnv("V", Map.of("V", SECRET)::get).secret()).isEqualTo(SECRET.toCharArray());
    }

    @Test
    void aNonLoopbackBindWithoutSecurityIsRefusedWithHowToFixIt() {
        GridBuilder b = Grid.builder().transport(Transport.tcp(7800).withBindAddress("0.0.0.0"));
        assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Grid.builder().security(Security.sharedSecret(")
                .hasMessageContaining("sharedSecretFromEnv")
                .hasMessageContaining("Security.insecure()");
        assertThat(b.security(Security.insecure()).build().security()).isSameAs(Security.insecure());
        assertThat(Grid.builder().transport(Transport.tcp(7800).withBindAddress("0.0.0.0"))
                .security(Security.sharedSecret(SECRET)).build().security().mode()).isEqualTo(Security.Mode.SHARED_SECRET);
    }

    @Test
    void loopbackAndInProcessStayZeroConfigAndXmlStacksKeepTheirOwnSecurity() {
        assertThat(Grid.builder().build().security()).isNull();
        assertThat(Grid.builder().transport(Transport.tcp(7800).withBindAddress("localhost")).build()).isNotNull();
        assertThat(Grid.builder().transport(Transport.inProcess()).build()).isNotNull();
        assertThatThrownBy(() -> Grid.builder().transport(Transport.jgroupsXml("my.xml"))
                .security(Security.sharedSecret(SECRET)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configure AUTH");
    }
}
