package dev.tessera.grid.membership;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** How the built-in stacks authenticate members and protect traffic. {@code toString()} shows no secret. */
public sealed interface MemberSecurity {

    /** Plaintext: anyone who reaches the transport can join. */
    record None() implements MemberSecurity {
    }

    /**
     * Shared secrets: the first encrypts what this member sends; every one of them is accepted on receipt (rotation).
     *
     * @param secrets at least one, each non-empty
     */
    record SharedSecret(List<char[]> secrets) implements MemberSecurity {
        public SharedSecret {
            if (secrets == null || secrets.isEmpty() || secrets.stream().anyMatch(s -> s == null || s.length == 0)) {
                throw new IllegalArgumentException("a shared secret setting needs at least one non-empty secret");
            }
            secrets = secrets.stream().map(char[]::clone).toList();
        }

        public static SharedSecret of(String secret, String... alsoAccepted) {
            return new SharedSecret(java.util.stream.Stream.concat(java.util.stream.Stream.of(secret),
                    Arrays.stream(alsoAccepted)).map(String::toCharArray).toList());
        }

        @Override
        public String toString() {
            return "SharedSecret[**** x" + secrets.size() + "]";
        }
    }

    /**
     * Mutual TLS on the TCP transport: key store (this member's key and certificate chain) and trust store (the CAs
     * whose certificates are accepted), each PKCS#12/JKS or PEM, re-read when the file changes.
     */
    record MutualTls(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            implements MemberSecurity {
        public MutualTls {
            Objects.requireNonNull(keyStore, "keyStore");
            Objects.requireNonNull(trustStore, "trustStore");
            keyStorePassword = keyStorePassword == null ? new char[0] : keyStorePassword.clone();
            trustStorePassword = trustStorePassword == null ? new char[0] : trustStorePassword.clone();
        }

        @Override
        public String toString() {
            return "MutualTls[keyStore=" + keyStore + ", trustStore=" + trustStore + ", passwords ****]";
        }
    }
}
