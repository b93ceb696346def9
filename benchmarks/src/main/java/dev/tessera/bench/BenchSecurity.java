package dev.tessera.bench;

import dev.tessera.grid.Security;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The security setting of a benchmark member: none, a shared secret, or mutual TLS with one self-signed test certificate. */
final class BenchSecurity {
    private static final String PASSWORD = "bench-only";
    private static final Path STORE = Path.of(System.getProperty("java.io.tmpdir"), "tessera-bench-tls.p12");

    private BenchSecurity() {
    }

    static Security of(String mode) {
        return switch (mode) {
            case "none" -> Security.insecure();
            case "secret" -> Security.sharedSecret("benchmark-shared-secret-0123456789");
            case "tls" -> {
                Path store = certificate();
                yield Security.mutualTls(store, PASSWORD, store, PASSWORD);
            }
            default -> throw new IllegalArgumentException("tessera.security must be none, secret or tls, not " + mode);
        };
    }

    /** One self-signed key pair, shared by every member JVM (created once; concurrent creators agree on the first). */
    private static Path certificate() {
        if (Files.isRegularFile(STORE)) {
            return STORE;
        }
        Path tmp = STORE.resolveSibling("tessera-bench-tls-" + UUID.randomUUID() + ".p12");
        try {
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=bench",
                    "-validity", "30", "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD))
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            try {
                Files.move(tmp, STORE);
            } catch (FileAlreadyExistsException another) {
                Files.deleteIfExists(tmp);
            }
            return STORE;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot create the benchmark certificate " + STORE, e);
        }
    }
}
