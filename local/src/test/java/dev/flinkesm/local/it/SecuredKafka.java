package dev.flinkesm.local.it;

import dev.flinkesm.local.kafka.EmbeddedKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * A real broker with security on, for {@link SecurityITCase}: an {@link EmbeddedKafka} started with extra listeners
 * through {@code Options.withBrokerProperty} only.
 *
 * <ul>
 *   <li>{@code PLAINTEXT} (unauthenticated, super user): the tests' own admin and producer;
 *   <li>{@code SASL_SSL}: SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN; {@code SSL}: client certificates required.
 * </ul>
 *
 * Certificates come from {@code keytool}, made once per suite: a test CA signs the broker's certificate (SAN
 * {@code ip:127.0.0.1,dns:localhost}, so hostname verification stays on) and the client's; PEM copies are what the
 * secrets hold. SCRAM users are created through the Admin API over the PLAINTEXT listener (the same records
 * {@code --add-scram} writes at format time, without changing EmbeddedKafka's format step). ACLs
 * ({@code StandardAuthorizer}, nothing allowed without one): principals get READ and DESCRIBE on topics and groups
 * prefixed {@code sec-}, except {@link #NO_TOPIC_USER} (group only) and {@link #NO_GROUP_USER} (topic only).
 */
final class SecuredKafka implements AutoCloseable {
    static final String SCRAM_USER = "alice";
    static final String SCRAM_PASSWORD = "alice-Scram-p4ss-7f3e9b";
    static final String PLAIN_USER = "bob";
    static final String PLAIN_PASSWORD = "bob-Plain-p4ss-2c8d1a";
    static final String NO_TOPIC_USER = "carol";
    static final String NO_GROUP_USER = "dave";
    static final String CLIENT_DN = "CN=esm-client";
    static final String PREFIX = "sec-";
    private static final String STORE_PASSWORD = "store-pass";

    final EmbeddedKafka kafka;
    final Path dir;
    final int saslSslPort;
    final int sslPort;
    /** PEM of the test CA: what a SERVER_ROOT_CA_CERTIFICATE secret holds. */
    final String caPem;
    /** Client certificate chain (client, CA) and its PKCS#8 key: a CLIENT_CERTIFICATE_TLS_AUTH secret. */
    final String clientChainPem;
    final String clientKeyPem;

    SecuredKafka() throws Exception {
        dir = Files.createTempDirectory("secured-kafka-");
        long started = System.nanoTime();
        makeCertificates();
        caPem = Files.readString(dir.resolve("ca.pem"));
        clientChainPem = Files.readString(dir.resolve("client.pem")) + caPem;
        clientKeyPem = privateKeyPem(dir.resolve("client.p12"), "client");
        System.err.printf("SecuredKafka: certificates in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

        int port = freePort();
        int controllerPort = freePort();
        saslSslPort = freePort();
        sslPort = freePort();
        String h = "127.0.0.1";
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults()
                .withPort(port)
                .withControllerPort(controllerPort)
                .withBrokerProperty("listeners", "PLAINTEXT://" + h + ":" + port + ",CONTROLLER://" + h + ":"
                        + controllerPort + ",SASL_SSL://" + h + ":" + saslSslPort + ",SSL://" + h + ":" + sslPort)
                .withBrokerProperty("advertised.listeners", "PLAINTEXT://" + h + ":" + port + ",SASL_SSL://" + h
                        + ":" + saslSslPort + ",SSL://" + h + ":" + sslPort)
                .withBrokerProperty("listener.security.protocol.map",
                        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL")
                .withBrokerProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN")
                .withBrokerProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scram)
                .withBrokerProperty("listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config", scram)
                .withBrokerProperty("listener.name.sasl_ssl.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + PLAIN_USER
                                + "=\"" + PLAIN_PASSWORD + "\";")
                .withBrokerProperty("ssl.keystore.type", "PKCS12")
                .withBrokerProperty("ssl.keystore.location", dir.resolve("broker.p12").toString())
                .withBrokerProperty("ssl.keystore.password", STORE_PASSWORD)
                .withBrokerProperty("ssl.key.password", STORE_PASSWORD)
                .withBrokerProperty("ssl.truststore.type", "PKCS12")
                .withBrokerProperty("ssl.truststore.location", dir.resolve("trust.p12").toString())
                .withBrokerProperty("ssl.truststore.password", STORE_PASSWORD)
                .withBrokerProperty("listener.name.ssl.ssl.client.auth", "required")
                .withBrokerProperty("authorizer.class.name",
                        "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                .withBrokerProperty("super.users", "User:ANONYMOUS")
                .withBrokerProperty("allow.everyone.if.no.acl.found", "false");
        kafka = EmbeddedKafka.start(options);
        createUsersAndAcls();
    }

    /** {@code 127.0.0.1:PORT} of the SASL_SSL listener. */
    String saslSslBootstrap() {
        return "127.0.0.1:" + saslSslPort;
    }

    /** {@code 127.0.0.1:PORT} of the SSL (client certificate) listener. */
    String sslBootstrap() {
        return "127.0.0.1:" + sslPort;
    }

    private void createUsersAndAcls() throws Exception {
        try (Admin admin = kafka.admin()) {
            // One credential per user and request: the broker refuses two for one user in a single request.
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256)) {
                List<UserScramCredentialUpsertion> users = new ArrayList<>();
                for (String user : List.of(SCRAM_USER, NO_TOPIC_USER, NO_GROUP_USER)) {
                    users.add(new UserScramCredentialUpsertion(
                            user, new ScramCredentialInfo(mechanism, 4096), SCRAM_PASSWORD));
                }
                admin.alterUserScramCredentials(new ArrayList<>(users)).all().get(30, TimeUnit.SECONDS);
            }
            List<AclBinding> acls = new ArrayList<>();
            for (String principal : List.of("User:" + SCRAM_USER, "User:" + PLAIN_USER, "User:" + CLIENT_DN,
                    "User:" + NO_TOPIC_USER, "User:" + NO_GROUP_USER)) {
                for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
                    if (!principal.equals("User:" + NO_TOPIC_USER)) {
                        acls.add(acl(ResourceType.TOPIC, principal, op));
                    }
                    if (!principal.equals("User:" + NO_GROUP_USER)) {
                        acls.add(acl(ResourceType.GROUP, principal, op));
                    }
                }
            }
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // Both are metadata records; on one node they apply within milliseconds. Wait until they show.
            Await.until(Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeUserScramCredentials().all().get().size() >= 3
                            && admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
                                    .values().get().size() >= acls.size();
                } catch (Exception e) {
                    return false;
                }
            }, () -> "users and ACLs not visible");
        }
    }

    private static AclBinding acl(ResourceType type, String principal, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, PREFIX, PatternType.PREFIXED),
                new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
    }

    private void makeCertificates() throws Exception {
        String ca = dir.resolve("ca.p12").toString();
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=esm-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-file", dir.resolve("ca.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", dir.resolve("trust.p12").toString());
        signed("broker", "CN=localhost", "san=ip:127.0.0.1,dns:localhost");
        signed("client", CLIENT_DN, null);
    }

    /** A key pair in NAME.p12 whose certificate the CA signed; NAME.pem is the certificate. */
    private void signed(String name, String dn, String san) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        String csr = dir.resolve(name + ".csr").toString();
        String pem = dir.resolve(name + ".pem").toString();
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", dn,
                "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", csr);
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-validity", "2",
                "-keystore", dir.resolve("ca.p12").toString(), "-infile", csr, "-outfile", pem));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", pem, "-keystore", store);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass", STORE_PASSWORD));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static String privateKeyPem(Path store, String alias) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keyStore.load(in, STORE_PASSWORD.toCharArray());
        }
        Key key = keyStore.getKey(alias, STORE_PASSWORD.toCharArray());
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    /** JSON for a secret with these keys, as AWS stores it. */
    static String secretJson(Map<String, String> values) {
        StringBuilder json = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(k).append("\":\"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\r", "\\r")
                            .replace("\n", "\\n")).append('"');
        });
        return json.append('}').toString();
    }

    @Override
    public void close() throws IOException {
        try {
            kafka.close();
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
