package dev.flinkesm.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A client private key as AWS takes it: PKCS#8 PEM, optionally encrypted ({@code ENCRYPTED PRIVATE KEY}) with
 * {@code privateKeyPassword}. Decrypted in memory into an unencrypted PKCS#8 PEM, so Kafka's PEM key store never
 * needs {@code ssl.key.password} and nothing is written to disk.
 */
final class PemPrivateKey {
    private static final Pattern ENCRYPTED = Pattern.compile(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END ENCRYPTED PRIVATE KEY-----");

    private PemPrivateKey() {}

    static String unencrypted(String pem, String password) {
        Matcher m = ENCRYPTED.matcher(pem);
        if (!m.find()) {
            return pem; // PKCS#8 "PRIVATE KEY" as is; Kafka checks it
        }
        if (password == null || password.isEmpty()) {
            throw new SecretUnreadableException("privateKey is encrypted and privateKeyPassword is missing");
        }
        try {
            EncryptedPrivateKeyInfo info =
                    new EncryptedPrivateKeyInfo(Base64.getMimeDecoder().decode(m.group(1)));
            PBEKeySpec keySpec = new PBEKeySpec(password.toCharArray());
            SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
            Cipher cipher = Cipher.getInstance(info.getAlgName());
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(keySpec), info.getAlgParameters());
            PKCS8EncodedKeySpec key = info.getKeySpec(cipher);
            keySpec.clearPassword();
            return "-----BEGIN PRIVATE KEY-----\n"
                    + new String(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encode(key.getEncoded()), StandardCharsets.US_ASCII)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException | java.io.IOException | IllegalArgumentException e) {
            throw new SecretUnreadableException(
                    "privateKey cannot be decrypted with privateKeyPassword (" + e.getClass().getSimpleName() + ")");
        }
    }
}
