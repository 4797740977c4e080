package dev.flinkesm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EsmSecretsConfigProviderTest {
    @TempDir
    Path dir;

    private String fileUri(String json) throws Exception {
        Path file = dir.resolve("secret-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file.toUri().toString();
    }

    /** What a Kafka client sees: the placeholders resolved by Kafka itself through the configured provider. */
    private static ConsumerConfig resolvedByKafka(String mappingAccess) {
        Properties p = new Properties();
        p.putAll(SecurityProperties.of(SecurityPropertiesTest.selfManaged(mappingAccess)));
        p.put("bootstrap.servers", "127.0.0.1:9");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return new ConsumerConfig(p);
    }

    @Test
    void kafkaResolvesTheJaasLineFromAFileSecret() throws Exception {
        String uri = fileUri("{\"username\":\"alice\",\"password\":\"pa\\\"ss\\\\word\"}");
        ConsumerConfig config = resolvedByKafka("[{\"Type\":\"SASL_SCRAM_512_AUTH\",\"URI\":\"" + uri + "\"}]");
        assertThat(config.getPassword("sasl.jaas.config").value()).isEqualTo(
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" "
                        + "password=\"pa\\\"ss\\\\word\";");
        assertThat(config.getString("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
    }

    @Test
    void basicAuthIsPlainLogin() throws Exception {
        String uri = fileUri("{\"username\":\"bob\",\"password\":\"pw\"}");
        ConsumerConfig config = resolvedByKafka("[{\"Type\":\"BASIC_AUTH\",\"URI\":\"" + uri + "\"}]");
        assertThat(config.getPassword("sasl.jaas.config").value())
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\"");
    }

    @Test
    void certificatesAndKeysArePassedThroughAndEncryptedKeysDecrypted() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String encrypted = encryptedPem(pair.getPrivate().getEncoded(), "k3y-pass");
        String uri = fileUri("{\"certificate\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
                + "\"privateKey\":\"" + encrypted.replace("\n", "\\n") + "\",\"privateKeyPassword\":\"k3y-pass\"}");
        EsmSecretsConfigProvider provider = provider(uri, "CLIENT_CERTIFICATE_TLS_AUTH");
        Map<String, String> data = provider.get("0", Set.of("certificate", "privateKey")).data();
        assertThat(data.get("certificate")).startsWith("-----BEGIN CERTIFICATE-----");
        String key = data.get("privateKey");
        assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----");
        byte[] decoded = Base64.getMimeDecoder().decode(key.replaceAll("-----[A-Z ]+-----", ""));
        assertThat(decoded).isEqualTo(pair.getPrivate().getEncoded());
    }

    @Test
    void aWrongKeyPasswordNamesTheEntryNotTheKey() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        String encrypted = encryptedPem(pair.getPrivate().getEncoded(), "right");
        String uri = fileUri("{\"certificate\":\"c\",\"privateKey\":\"" + encrypted.replace("\n", "\\n")
                + "\",\"privateKeyPassword\":\"wrong\"}");
        assertThatThrownBy(() -> provider(uri, "CLIENT_CERTIFICATE_TLS_AUTH").get("0", Set.of("privateKey")))
                .isInstanceOf(SuppressRestartsException.class)
                .cause().hasMessageContaining("SourceAccessConfigurations[0].URI " + uri
                        + ": privateKey cannot be decrypted with privateKeyPassword");
    }

    @Test
    void aMissingFileStopsTheMappingWithoutRestarts() {
        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                resolvedByKafka("[{\"Type\":\"SASL_SCRAM_256_AUTH\",\"URI\":\"file:///x/y.json\"}]"));
        assertThat(failure).isInstanceOf(SuppressRestartsException.class);
        MappingStoppedException stop = (MappingStoppedException) failure.getCause();
        assertThat(stop.reason()).isEqualTo(ReasonCode.ESM_CONFIG_NOT_VALID);
        assertThat(stop.getMessage()).isEqualTo("ESM_CONFIG_NOT_VALID: PROBLEM: SourceAccessConfigurations[0].URI "
                + "file:///x/y.json: secret cannot be read (NoSuchFileException)");
    }

    @Test
    void aSecretWithoutThePasswordSaysWhichKeyIsMissing() throws Exception {
        String uri = fileUri("{\"username\":\"alice\"}");
        assertThatThrownBy(() -> provider(uri, "BASIC_AUTH").get("0", Set.of("jaas")))
                .cause().hasMessageEndingWith(": secret has no password");
    }

    @Test
    void invalidJsonIsReportedWithoutQuotingTheSecret() throws Exception {
        String uri = fileUri("{\"username\":\"alice\",\"password\": s3cr3t-value }");
        assertThatThrownBy(() -> provider(uri, "BASIC_AUTH").get("0", Set.of("jaas")))
                .cause().hasMessageContaining("secret is not valid JSON (line 1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    }

    @Test
    void envSecretsComeFromTheEnvironment() {
        Map<String, String> env = Map.of("KAFKA_SECRET", "{\"username\":\"u\",\"password\":\"p\"}");
        EsmSecretsConfigProvider provider = new EsmSecretsConfigProvider(new SecretSources(
                List.of(new FileSecretSource(), new EnvSecretSource(env::get))));
        provider.configure(Map.of("0.uri", "env://KAFKA_SECRET", "0.type", "SASL_SCRAM_512_AUTH",
                "1.uri", "env://UNSET", "1.type", "BASIC_AUTH"));
        assertThat(provider.get("0", Set.of("jaas")).data().get("jaas")).contains("username=\"u\" password=\"p\"");
        assertThatThrownBy(() -> provider.get("1", Set.of("jaas")))
                .cause().hasMessageEndingWith("SourceAccessConfigurations[1].URI env://UNSET: environment variable"
                        + " is not set");
    }

    @Test
    void eachClientReadsTheSecretAgainSoARotatedSecretApplies() throws Exception {
        Path file = dir.resolve("rotating.json");
        Files.writeString(file, "{\"username\":\"u\",\"password\":\"old\"}");
        String uri = file.toUri().toString();
        assertThat(provider(uri, "BASIC_AUTH").get("0", Set.of("jaas")).data().get("jaas")).contains("\"old\"");
        Files.writeString(file, "{\"username\":\"u\",\"password\":\"new\"}", StandardCharsets.UTF_8);
        assertThat(provider(uri, "BASIC_AUTH").get("0", Set.of("jaas")).data().get("jaas")).contains("\"new\"");
    }

    private static EsmSecretsConfigProvider provider(String uri, String type) {
        EsmSecretsConfigProvider provider = new EsmSecretsConfigProvider();
        provider.configure(Map.of("0.uri", uri, "0.type", type));
        return provider;
    }

    /** PKCS#8 encrypted with PBES1 (what AWS supports for CLIENT_CERTIFICATE_TLS_AUTH). */
    static String encryptedPem(byte[] pkcs8, String password) throws Exception {
        String algorithm = "PBEWithSHA1AndDESede";
        byte[] salt = new byte[8];
        new SecureRandom().nextBytes(salt);
        PBEParameterSpec params = new PBEParameterSpec(salt, 2048);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE,
                SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password.toCharArray())),
                params);
        java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance(algorithm);
        parameters.init(params);
        byte[] encoded = new EncryptedPrivateKeyInfo(parameters, cipher.doFinal(pkcs8)).getEncoded();
        return "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(encoded)
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
    }
}
