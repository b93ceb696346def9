package dev.tessera.grid.membership;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test CAs and member certificates made with the JDK's keytool (PKCS#12, password {@link #PASSWORD}). */
final class TestCertificates {
    static final String PASSWORD = "changeit";

    private final Path dir;

    TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** A CA key store {@code <name>.p12} and its certificate {@code <name>.pem}. */
    Path ca(String name) throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "3", "-keystore", p(name + ".p12"), "-storetype", "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", p(name + ".p12"), "-file", p(name + ".pem"));
        return dir.resolve(name + ".pem");
    }

    /** A member key store signed by {@code ca}. */
    Path member(String name, String ca) throws Exception {
        String ks = p(name + ".p12");
        keytool("-genkeypair", "-alias", "member", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "3", "-keystore", ks, "-storetype", "PKCS12");
        keytool("-certreq", "-alias", "member", "-keystore", ks, "-file", p(name + ".csr"));
        keytool("-gencert", "-alias", "ca", "-keystore", p(ca + ".p12"), "-infile", p(name + ".csr"), "-outfile",
                p(name + ".crt"), "-rfc", "-validity", "3");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", p(ca + ".pem"), "-keystore", ks);
        keytool("-importcert", "-noprompt", "-alias", "member", "-file", p(name + ".crt"), "-keystore", ks);
        return dir.resolve(name + ".p12");
    }

    /** A PKCS#12 trust store with the certificates of these CAs. */
    Path trustStore(String name, String... cas) throws Exception {
        for (String ca : cas) {
            keytool("-importcert", "-noprompt", "-alias", ca, "-file", p(ca + ".pem"), "-keystore", p(name + ".p12"),
                    "-storetype", "PKCS12");
        }
        return dir.resolve(name + ".p12");
    }

    /** The member key store as PEM: PKCS#8 private key and certificate chain. */
    Path memberPem(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(dir.resolve(name + ".p12"))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        Key key = ks.getKey("member", PASSWORD.toCharArray());
        StringBuilder sb = new StringBuilder(pem("PRIVATE KEY", key.getEncoded()));
        for (Certificate c : ks.getCertificateChain("member")) {
            sb.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Path out = dir.resolve(name + "-key.pem");
        Files.writeString(out, sb.toString());
        return out;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private String p(String file) {
        return dir.resolve(file).toString();
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASSWORD));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
