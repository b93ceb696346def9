package dev.tessera.grid.membership;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a key or trust store file: PKCS#12 (or JKS), or PEM (certificates, and for a key store one unencrypted
 * PKCS#8 {@code PRIVATE KEY}, RSA or EC). JDK only.
 */
final class TlsMaterial {
    static final String ALIAS = "member";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

    private TlsMaterial() {
    }

    static KeyStore load(byte[] content, char[] password, Path source, boolean needKey) throws IOException, GeneralSecurityException {
        String text = new String(content, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN ")) {
            KeyStore ks = KeyStore.getInstance("PKCS12"); // also reads JKS (keystore.type.compat)
            ks.load(new ByteArrayInputStream(content), password);
            return ks;
        }
        List<Certificate> certs = new ArrayList<>();
        PrivateKey key = null;
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "CERTIFICATE" -> certs.add(cf.generateCertificate(new ByteArrayInputStream(der)));
                case "PRIVATE KEY" -> key = privateKey(der, source);
                default -> throw new GeneralSecurityException(source + ": PEM block '" + m.group(1) + "' is not supported: "
                        + "use an unencrypted PKCS#8 'PRIVATE KEY' (openssl pkcs8 -topk8 -nocrypt) and 'CERTIFICATE' blocks");
            }
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException(source + " holds no PEM certificate");
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        if (needKey) {
            if (key == null) {
                throw new GeneralSecurityException(source + ": a PEM key store needs a 'PRIVATE KEY' block and its certificate chain");
            }
            ks.setKeyEntry(ALIAS, key, password, certs.toArray(new Certificate[0]));
        } else {
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
        }
        return ks;
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    private static PrivateKey privateKey(byte[] der, Path source) throws GeneralSecurityException {
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException(source + ": the PRIVATE KEY is neither RSA, EC nor Ed25519 PKCS#8");
    }
}
