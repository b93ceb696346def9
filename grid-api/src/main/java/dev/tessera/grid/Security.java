package dev.tessera.grid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Who may join the cluster and how its traffic is protected ({@link GridBuilder#security(Security)}).
 *
 * <ul>
 * <li>{@link #sharedSecret(String)}: every member holds the same secret. Traffic is encrypted and authenticated
 * (AES-GCM, key derived from the secret and the cluster name); a member without the secret, or with another one,
 * cannot join and its {@code start()} fails with {@link GridSecurityException}. The secret itself never goes on the
 * wire.</li>
 * <li>{@link #mutualTls}: every connection is TLS with client authentication; a member whose certificate is not
 * signed by a trusted authority cannot connect. Key and trust stores are re-read when their files change (new
 * connections use the new material), so certificates rotate without a restart.</li>
 * <li>{@link #insecure()}: plaintext, anyone who reaches the port can join. Required to bind a non-loopback address
 * without a secret; never the default there.</li>
 * </ul>
 * Without any setting, a member on loopback or in-process runs as {@link #insecure()}, and a member binding any other
 * address is refused by {@link GridBuilder#build()}.
 * <p>
 * Immutable. {@link #toString()} never shows a secret or a password.
 */
public final class Security {
    /** Shortest shared secret accepted: 16 characters (e.g. {@code openssl rand -base64 24}). */
    public static final int MIN_SECRET_LENGTH = 16;

    /** What kind of protection a {@link Security} setting gives. */
    public enum Mode { INSECURE, SHARED_SECRET, MUTUAL_TLS }

    private static final Security INSECURE = new Security(Mode.INSECURE, null, List.of(), null, null, null, null);

    private final Mode mode;
    private final char[] secret;
    private final List<char[]> alsoAccepted;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final Path trustStore;
    private final char[] trustStorePassword;

    private Security(Mode mode, char[] secret, List<char[]> alsoAccepted, Path keyStore, char[] keyStorePassword,
            Path trustStore, char[] trustStorePassword) {
        this.mode = mode;
        this.secret = secret;
        this.alsoAccepted = alsoAccepted;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    /**
     * Members authenticate with this shared secret, and traffic is encrypted with a key derived from it.
     *
     * @param secret at least {@value #MIN_SECRET_LENGTH} characters; copied, so the caller may clear its array
     * @throws IllegalArgumentException if {@code secret} is null or shorter than {@value #MIN_SECRET_LENGTH}
     */
    public static Security sharedSecret(char[] secret) {
        return new Security(Mode.SHARED_SECRET, checkSecret(secret, "shared secret"), List.of(), null, null, null, null);
    }

    /**
     * As {@link #sharedSecret(char[])}.
     *
     * @throws IllegalArgumentException if {@code secret} is null or shorter than {@value #MIN_SECRET_LENGTH}
     */
    public static Security sharedSecret(String secret) {
        return sharedSecret(secret == null ? null : secret.toCharArray());
    }

    /**
     * As {@link #sharedSecret(char[])}, with the secret read from the environment variable {@code varName}.
     *
     * @throws IllegalArgumentException if the variable is unset, empty or shorter than {@value #MIN_SECRET_LENGTH}
     *                                  characters (the message names the variable, never its value)
     */
    public static Security sharedSecretFromEnv(String varName) {
        return sharedSecretFromEnv(varName, System::getenv);
    }

    static Security sharedSecretFromEnv(String varName, UnaryOperator<String> env) {
        if (varName == null || varName.isBlank()) {
            throw new IllegalArgumentException("sharedSecretFromEnv needs the name of an environment variable");
        }
        String value = env.apply(varName);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + varName + " is not set or empty: set it to a "
                    + "secret of at least " + MIN_SECRET_LENGTH + " characters (e.g. export " + varName
                    + "=$(openssl rand -base64 24)) on every member");
        }
        if (value.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("environment variable " + varName + " holds " + value.length()
                    + " characters: a shared secret needs at least " + MIN_SECRET_LENGTH);
        }
        return sharedSecret(value.toCharArray());
    }

    /**
     * Mutual TLS over the TCP transport. A store file is PKCS#12 (or JKS), or PEM: the key store a PEM file holding
     * an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) and its certificate chain, the trust store a PEM
     * file of CA certificates (the PEM password is ignored). Both files are re-read when they change.
     * Certificates are checked against the trust store only (no host name check): issue them from a CA of your own.
     *
     * @throws IllegalArgumentException if a path is null or not a readable file, or a password is null
     */
    public static Security mutualTls(Path keyStorePath, String keyStorePassword, Path trustStorePath,
            String trustStorePassword) {
        return new Security(Mode.MUTUAL_TLS, null, List.of(), readable(keyStorePath, "key store"),
                Objects.requireNonNull(keyStorePassword, "keyStorePassword (use \"\" for none)").toCharArray(),
                readable(trustStorePath, "trust store"),
                Objects.requireNonNull(trustStorePassword, "trustStorePassword (use \"\" for none)").toCharArray());
    }

    /** No authentication, no encryption: anyone who reaches the member's port can join and read everything. */
    public static Security insecure() {
        return INSECURE;
    }

    /**
     * For a rolling change of the secret: this member still encrypts with its own secret but also accepts members
     * that use {@code previous}. Rotate in two rolling restarts: first every member with
     * {@code sharedSecret(old).acceptingNext(new)}, then every member with {@code sharedSecret(new).acceptingPrevious(old)}
     * (a third may drop the old secret). At every step each member accepts what every other member sends.
     *
     * @throws IllegalArgumentException if this is not a shared secret, or {@code previous} is too short
     */
    public Security acceptingPrevious(String previous) {
        return alsoAccepting(previous, "previous secret");
    }

    /**
     * First step of a rolling change of the secret: this member still encrypts with its own secret and also
     * accepts members that already use {@code next} (see {@link #acceptingPrevious(String)}).
     *
     * @throws IllegalArgumentException if this is not a shared secret, or {@code next} is too short
     */
    public Security acceptingNext(String next) {
        return alsoAccepting(next, "next secret");
    }

    private Security alsoAccepting(String other, String what) {
        if (mode != Mode.SHARED_SECRET) {
            throw new IllegalArgumentException("only a shared secret can accept another secret, not " + this);
        }
        char[] o = checkSecret(other == null ? null : other.toCharArray(), what);
        List<char[]> all = new ArrayList<>(alsoAccepted);
        all.add(o);
        return new Security(mode, secret, List.copyOf(all), null, null, null, null);
    }

    public Mode mode() {
        return mode;
    }

    /** A copy of the secret this member authenticates and encrypts with; {@code null} unless {@link Mode#SHARED_SECRET}. */
    public char[] secret() {
        return secret == null ? null : secret.clone();
    }

    /** Copies of the other secrets this member accepts (rotation), possibly empty. */
    public List<char[]> alsoAcceptedSecrets() {
        List<char[]> out = new ArrayList<>();
        alsoAccepted.forEach(s -> out.add(s.clone()));
        return out;
    }

    public Path keyStorePath() {
        return keyStore;
    }

    public char[] keyStorePassword() {
        return keyStorePassword == null ? null : keyStorePassword.clone();
    }

    public Path trustStorePath() {
        return trustStore;
    }

    public char[] trustStorePassword() {
        return trustStorePassword == null ? null : trustStorePassword.clone();
    }

    @Override
    public String toString() {
        switch (mode) {
            case SHARED_SECRET:
                return "Security.sharedSecret(****" + (alsoAccepted.isEmpty() ? "" : ", also accepting "
                        + alsoAccepted.size() + " other") + ")";
            case MUTUAL_TLS:
                return "Security.mutualTls(keyStore=" + keyStore + ", trustStore=" + trustStore + ", passwords ****)";
            default:
                return "Security.insecure()";
        }
    }

    private static char[] checkSecret(char[] secret, String what) {
        if (secret == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (secret.length < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(what + " has " + secret.length + " characters: use at least "
                    + MIN_SECRET_LENGTH + " (e.g. the output of openssl rand -base64 24)");
        }
        return Arrays.copyOf(secret, secret.length);
    }

    private static Path readable(Path p, String what) {
        if (p == null) {
            throw new IllegalArgumentException(what + " path must not be null");
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new IllegalArgumentException(what + " " + p.toAbsolutePath() + " is not a readable file");
        }
        return p;
    }
}
