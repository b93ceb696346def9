package dev.tessera.grid.membership;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns shared secrets into AES-256 keys: PBKDF2-HMAC-SHA256 with the cluster name in the salt (the same secret gives
 * another key in another cluster), then HMAC-SHA256 to a purpose-bound key. No key store file is needed; the secret
 * never leaves the member.
 */
final class SecretKeys {
    /** Secrets are not passwords (16+ random characters), so this mainly slows guessing of weak ones. */
    static final int ITERATIONS = 100_000;

    private SecretKeys() {
    }

    static List<SecretKey> encryptionKeys(MemberSecurity.SharedSecret s, String clusterName) {
        List<SecretKey> keys = new ArrayList<>();
        for (char[] secret : s.secrets()) {
            keys.add(new SecretKeySpec(derive(secret, clusterName, "tessera/sym-encrypt/v1"), "AES"));
        }
        return keys;
    }

    static byte[] derive(char[] secret, String clusterName, String purpose) {
        byte[] salt = ("tessera/cluster/" + clusterName).getBytes(StandardCharsets.UTF_8);
        PBEKeySpec spec = new PBEKeySpec(secret, salt, ITERATIONS, 256);
        try {
            byte[] master = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            byte[] key = mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
            Arrays.fill(master, (byte) 0);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot derive keys with PBKDF2WithHmacSHA256/HmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }

    /** The key's version as JGroups' Encrypt computes it (MD5 of the key bytes): it travels in every message header. */
    static byte[] version(SecretKey key) {
        try {
            return MessageDigest.getInstance("MD5").digest(key.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
