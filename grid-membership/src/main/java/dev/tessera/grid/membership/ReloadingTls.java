package dev.tessera.grid.membership;

import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SSLContext} for mutual TLS whose key and trust material follow their files: at each handshake (at most
 * once a second) the files are re-read if their content changed, so new connections use rotated certificates while
 * established ones carry on. A file that cannot be read or parsed keeps the previous material and is logged.
 */
final class ReloadingTls {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private ReloadingTls() {
    }

    static SSLContext context(MemberSecurity.MutualTls tls) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {new Keys(tls.keyStore(), tls.keyStorePassword())},
                new javax.net.ssl.TrustManager[] {new Trust(tls.trustStore(), tls.trustStorePassword())}, null);
        return ctx;
    }

    /** One watched file and what was built from it. */
    private abstract static class Watched<T> {
        private final Path path;
        protected final char[] password;
        private volatile T current;
        private byte[] digest;
        private long lastCheck;

        Watched(Path path, char[] password) throws Exception {
            this.path = path;
            this.password = password.clone();
            byte[] content = TlsMaterial.read(path);
            this.current = build(TlsMaterial.load(content, this.password, path, needsKey()));
            this.digest = sha256(content);
            this.lastCheck = System.nanoTime();
        }

        abstract T build(KeyStore ks) throws Exception;

        abstract boolean needsKey();

        T get() {
            long now = System.nanoTime();
            synchronized (this) {
                if (now - lastCheck >= CHECK_INTERVAL_NANOS) {
                    lastCheck = now;
                    reloadIfChanged();
                }
            }
            return current;
        }

        private void reloadIfChanged() {
            try {
                byte[] content = TlsMaterial.read(path);
                byte[] d = sha256(content);
                if (Arrays.equals(d, digest)) {
                    return;
                }
                digest = d; // a broken file is reported once, not at every handshake
                current = build(TlsMaterial.load(content, password, path, needsKey()));
                log.info("reloaded {}: new TLS connections use it", path);
            } catch (Exception e) {
                log.warn("cannot reload {} (keeping the previous one): {}", path, e.toString());
            }
        }

        private static byte[] sha256(byte[] b) throws Exception {
            return MessageDigest.getInstance("SHA-256").digest(b);
        }
    }

    private static final class KeyFile extends Watched<X509ExtendedKeyManager> {
        KeyFile(Path p, char[] pw) throws Exception {
            super(p, pw);
        }

        @Override
        X509ExtendedKeyManager build(KeyStore ks) throws Exception {
            KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            f.init(ks, password);
            return (X509ExtendedKeyManager) Arrays.stream(f.getKeyManagers())
                    .filter(k -> k instanceof X509ExtendedKeyManager).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no X509 key manager"));
        }

        @Override
        boolean needsKey() {
            return true;
        }
    }

    private static final class TrustFile extends Watched<X509ExtendedTrustManager> {
        TrustFile(Path p, char[] pw) throws Exception {
            super(p, pw);
        }

        @Override
        X509ExtendedTrustManager build(KeyStore ks) throws Exception {
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(ks);
            return (X509ExtendedTrustManager) Arrays.stream(f.getTrustManagers())
                    .filter(t -> t instanceof X509ExtendedTrustManager).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no X509 trust manager"));
        }

        @Override
        boolean needsKey() {
            return false;
        }
    }

    static final class Keys extends X509ExtendedKeyManager {
        private final KeyFile file;

        Keys(Path p, char[] pw) throws Exception {
            file = new KeyFile(p, pw);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return file.get().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return file.get().chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return file.get().getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return file.get().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return file.get().chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return file.get().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return file.get().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return file.get().getPrivateKey(alias);
        }
    }

    static final class Trust extends X509ExtendedTrustManager {
        private final TrustFile file;

        Trust(Path p, char[] pw) throws Exception {
            file = new TrustFile(p, pw);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            file.get().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            file.get().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            file.get().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            file.get().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            file.get().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            file.get().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return file.get().getAcceptedIssuers();
        }
    }
}
