package dev.flinkesm.security;

import static dev.flinkesm.security.EsmSecretsConfigProvider.placeholder;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.SourceAccessConfiguration;
import dev.flinkesm.config.SourceAccessType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kafka client settings a mapping's {@code SourceAccessConfigurations} ask for, as AWS's pollers use them:
 *
 * <ul>
 *   <li>{@code BASIC_AUTH}: SASL/PLAIN, always over TLS (SASL_SSL);
 *   <li>{@code SASL_SCRAM_256_AUTH} / {@code SASL_SCRAM_512_AUTH}: SASL/SCRAM over SASL_SSL;
 *   <li>{@code CLIENT_CERTIFICATE_TLS_AUTH}: mutual TLS (SSL) with a PEM key store;
 *   <li>{@code SERVER_ROOT_CA_CERTIFICATE}: a PEM trust store (alone it means TLS without client authentication);
 *   <li>Amazon MSK ({@code EventSourceArn}) without a SCRAM or mTLS entry: IAM authentication, as Lambda does for a
 *       cluster with IAM enabled when no secret is given.
 * </ul>
 *
 * Secret values are never here: only {@code ${esm:<entry>:<key>}} placeholders and the secrets' URIs, which
 * {@link EsmSecretsConfigProvider} resolves when each client is created. Hostname verification stays on.
 */
public final class SecurityProperties {
    public static final String SECURITY_PROTOCOL = "security.protocol";

    private SecurityProperties() {}

    /** The settings, or an empty map when the mapping leaves security to the cluster's defaults. */
    public static Map<String, String> of(EventSourceMapping mapping) {
        return of(mapping, null);
    }

    /**
     * @param secretsManagerEndpoint explicit Secrets Manager endpoint for the secret provider; null: the SDK's
     *     resolution on the machine that reads the secret
     */
    public static Map<String, String> of(EventSourceMapping mapping, String secretsManagerEndpoint) {
        Map<String, String> p = new LinkedHashMap<>();
        List<SourceAccessConfiguration> entries = mapping.sourceAccessConfigurations();
        boolean tls = false;
        boolean sasl = false;
        boolean provider = false;
        for (int i = 0; i < entries.size(); i++) {
            SourceAccessConfiguration entry = entries.get(i);
            switch (entry.type()) {
                case BASIC_AUTH, SASL_SCRAM_256_AUTH, SASL_SCRAM_512_AUTH -> {
                    sasl = true;
                    tls = true;
                    p.put("sasl.mechanism", mechanism(entry.type()));
                    p.put("sasl.jaas.config", placeholder(i, "jaas"));
                }
                case CLIENT_CERTIFICATE_TLS_AUTH -> {
                    tls = true;
                    p.put("ssl.keystore.type", "PEM");
                    p.put("ssl.keystore.certificate.chain", placeholder(i, "certificate"));
                    p.put("ssl.keystore.key", placeholder(i, "privateKey"));
                }
                case SERVER_ROOT_CA_CERTIFICATE -> {
                    tls = true;
                    p.put("ssl.truststore.type", "PEM");
                    p.put("ssl.truststore.certificates", placeholder(i, "certificate"));
                }
                default -> {
                    continue; // VPC entries: no secret, nothing for the client
                }
            }
            provider = true;
            String prefix = "config.providers." + EsmSecretsConfigProvider.NAME + ".param." + i + ".";
            p.put(prefix + "uri", entry.uri());
            p.put(prefix + "type", entry.type().name());
        }
        if (mapping.isMsk() && !sasl && !p.containsKey("ssl.keystore.key")) {
            sasl = true;
            tls = true;
            p.put("sasl.mechanism", "AWS_MSK_IAM");
            p.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
            p.put("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        }
        if (provider) {
            if (secretsManagerEndpoint != null) {
                p.put("config.providers." + EsmSecretsConfigProvider.NAME + ".param."
                        + EsmSecretsConfigProvider.SECRETS_MANAGER_ENDPOINT, secretsManagerEndpoint);
            }
            p.put("config.providers", EsmSecretsConfigProvider.NAME);
            p.put("config.providers." + EsmSecretsConfigProvider.NAME + ".class",
                    EsmSecretsConfigProvider.class.getName());
        }
        if (tls) {
            p.put(SECURITY_PROTOCOL, sasl ? "SASL_SSL" : "SSL");
            p.put("ssl.endpoint.identification.algorithm", "https");
        }
        return p;
    }

    /** True if {@code key} is one the mapping's security settings own, so a user value for it conflicts. */
    public static boolean isSecurityKey(String key) {
        return key.equals(SECURITY_PROTOCOL) || key.startsWith("sasl.") || key.startsWith("ssl.")
                || key.startsWith("config.providers");
    }

    private static String mechanism(SourceAccessType type) {
        return switch (type) {
            case BASIC_AUTH -> "PLAIN";
            case SASL_SCRAM_256_AUTH -> "SCRAM-SHA-256";
            case SASL_SCRAM_512_AUTH -> "SCRAM-SHA-512";
            default -> throw new IllegalArgumentException(type + " is not a SASL type");
        };
    }
}
