package dev.tessera.grid.membership;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.AsciiString;
import org.jgroups.util.Util;

/**
 * JGroups' {@code SYM_ENCRYPT} with authenticated encryption and several accepted keys:
 * <ul>
 * <li>AES/GCM (128-bit tag, random 96-bit IV per message): a modified or forged payload fails to decrypt and is
 * dropped. The stock protocol would only accept an {@code IvParameterSpec}, which GCM refuses.</li>
 * <li>Sends with the first key; decrypts with whichever accepted key the header's version names, whoever the sender
 * is. The stock {@code key_map} only serves members already in the view (a joiner is not) and decrypts single
 * messages with the current key whatever the version.</li>
 * <li>Drops messages without a payload: above sits {@code SERIALIZE}, so every genuine message has one, and the
 * stock protocol would pass a payload-less message up unauthenticated.</li>
 * </ul>
 * Uses {@code SYM_ENCRYPT}'s protocol id (it replaces it), so its headers stay JGroups' own {@link EncryptHeader}.
 */
@SuppressWarnings("unchecked") // inherited: JGroups' SYM_ENCRYPT overrides Encrypt's generic setKeyStoreEntry unchecked
final class SealedEncrypt extends SYM_ENCRYPT {
    static final String ALGORITHM = "AES/GCM/NoPadding";
    static final short ID = ClassConfigurator.getProtocolId(SYM_ENCRYPT.class);
    private static final int TAG_BITS = 128;

    private final Map<AsciiString, SecretKey> keys = new ConcurrentHashMap<>();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(SealedEncrypt::newCipher);
    private final LongAdder rejected = new LongAdder();

    SealedEncrypt(List<SecretKey> accepted) {
        setId(ID);
        symAlgorithm(ALGORITHM);
        symIvLength(12);
        symKeylength(256);
        setSecretKey(accepted.get(0));
        for (SecretKey k : accepted) {
            keys.put(new AsciiString(SecretKeys.version(k)), k);
        }
    }

    boolean accepts(byte[] version) {
        return version != null && keys.containsKey(new AsciiString(version));
    }

    long rejected() {
        return rejected.sum();
    }

    @Override
    protected Message decrypt(Cipher unused, Message msg) throws Exception {
        EncryptHeader hdr = msg.getHeader(this.id);
        SecretKey key = hdr == null ? null : keys.get(new AsciiString(hdr.version()));
        if (key == null || !msg.hasPayload() || hdr.iv() == null) {
            rejected.increment();
            return null;
        }
        byte[] plain;
        try {
            Cipher c = ciphers.get();
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, hdr.iv()));
            plain = c.doFinal(msg.getArray(), msg.getOffset(), msg.getLength());
        } catch (AEADBadTagException forgedOrCorrupt) {
            rejected.increment();
            return null;
        }
        return hdr.needsDeserialization() ? Util.messageFromBuffer(plain, 0, plain.length)
                : msg.setArray(plain, 0, plain.length);
    }

    @Override
    protected byte[] code(byte[] buf, int offset, int length, byte[] iv, boolean decode) throws Exception {
        if (decode) { // only decrypt() decodes, and it does not come here
            throw new IllegalStateException("decoding goes through decrypt()");
        }
        Cipher c = ciphers.get();
        c.init(Cipher.ENCRYPT_MODE, secret_key, new GCMParameterSpec(TAG_BITS, iv));
        return c.doFinal(buf, offset, length);
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(ALGORITHM);
        } catch (Exception e) {
            throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
        }
    }
}
