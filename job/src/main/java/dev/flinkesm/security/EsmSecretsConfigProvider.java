package dev.flinkesm.security;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.config.SourceAccessType;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.ReasonCode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * Resolves the mapping's secret placeholders ({@code ${esm:<entry>:<key>}}) when a Kafka client is created, on the
 * machine that creates it. The job graph, Flink's configuration and savepoints only ever hold the placeholders and
 * the secrets' URIs ({@link SecurityProperties}); Kafka's own config log prints the resolved values as
 * {@code [hidden]} (they are all PASSWORD-typed settings).
 *
 * <p>Parameters ({@code config.providers.esm.param.<entry>.uri} / {@code .type}) name each
 * {@code SourceAccessConfigurations} entry by its index. Keys: {@code jaas} (the JAAS line for the entry's SASL
 * mechanism, from {@code username} and {@code password}), {@code certificate}, {@code privateKey} (decrypted with
 * {@code privateKeyPassword} if it is encrypted). A secret that cannot be read stops the mapping with
 * {@code ESM_CONFIG_NOT_VALID} naming the entry, without restarts: a restart would read the same secret.
 */
public final class EsmSecretsConfigProvider implements ConfigProvider {

    /** The provider's name in {@code config.providers}. */
    public static final String NAME = "esm";

    /**
     * Parameter with the explicit Secrets Manager endpoint ({@code --endpoint secretsmanager=URL}): set only then,
     * and never an entry index, since it has no dot.
     */
    public static final String SECRETS_MANAGER_ENDPOINT = "secretsmanager-endpoint";

    private SecretSources sources; // null until configure() when not given: its endpoint is a parameter
    private final Map<String, String> uris = new HashMap<>();
    private final Map<String, SourceAccessType> types = new HashMap<>();
    private final Map<String, Map<String, String>> read = new HashMap<>();

    public EsmSecretsConfigProvider() {
        this(null);
    }

    EsmSecretsConfigProvider(SecretSources sources) {
        this.sources = sources;
    }

    /** The placeholder Kafka replaces with {@code key} of entry {@code index}'s secret. */
    public static String placeholder(int index, String key) {
        return "${" + NAME + ":" + index + ":" + key + "}";
    }

    @Override
    public void configure(Map<String, ?> configs) {
        if (sources == null) {
            Object endpoint = configs.get(SECRETS_MANAGER_ENDPOINT);
            sources = SecretSources.standard(AwsClients.standard()
                    .withEndpoint(AwsService.SECRETS_MANAGER, endpoint == null ? null : endpoint.toString()));
        }
        configs.forEach((name, value) -> {
            int dot = name.indexOf('.');
            if (dot < 0 || value == null) {
                return;
            }
            String entry = name.substring(0, dot);
            switch (name.substring(dot + 1)) {
                case "uri" -> uris.put(entry, value.toString());
                case "type" -> types.put(entry, SourceAccessType.valueOf(value.toString()));
                default -> { }
            }
        });
    }

    @Override
    public ConfigData get(String path) {
        return get(path, Set.of("jaas", "certificate", "privateKey"));
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String key : keys) {
            data.put(key, value(path, key));
        }
        return new ConfigData(data);
    }

    private String value(String entry, String key) {
        Map<String, String> secret = secret(entry);
        return switch (key) {
            case "jaas" -> jaas(entry, required(entry, secret, "username"), required(entry, secret, "password"));
            case "certificate" -> required(entry, secret, "certificate");
            case "privateKey" -> {
                try {
                    yield PemPrivateKey.unencrypted(
                            required(entry, secret, "privateKey"), secret.get("privateKeyPassword"));
                } catch (SecretUnreadableException e) {
                    throw stop(entry, e.getMessage());
                }
            }
            default -> throw stop(entry, "unknown secret key " + key);
        };
    }

    private Map<String, String> secret(String entry) {
        String uri = uris.get(entry);
        if (uri == null) {
            throw stop(entry, "no URI configured for this entry");
        }
        return read.computeIfAbsent(entry, e -> {
            try {
                return sources.read(uri);
            } catch (SecretUnreadableException failure) {
                throw stop(entry, failure.getMessage());
            }
        });
    }

    private String jaas(String entry, String username, String password) {
        SourceAccessType type = types.get(entry);
        String module;
        if (type == SourceAccessType.BASIC_AUTH) {
            module = "org.apache.kafka.common.security.plain.PlainLoginModule";
        } else if (type == SourceAccessType.SASL_SCRAM_256_AUTH || type == SourceAccessType.SASL_SCRAM_512_AUTH) {
            module = "org.apache.kafka.common.security.scram.ScramLoginModule";
        } else {
            throw stop(entry, type + " has no SASL login");
        }
        return module + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";";
    }

    /** JAAS quoted strings take backslash escapes (Kafka parses them with a StreamTokenizer). */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private String required(String entry, Map<String, String> secret, String key) {
        String value = secret.get(key);
        if (value == null || value.isEmpty()) {
            throw stop(entry, "secret has no " + key);
        }
        return value;
    }

    private RuntimeException stop(String entry, String why) {
        return new MappingStoppedException(ReasonCode.ESM_CONFIG_NOT_VALID,
                "SourceAccessConfigurations[" + entry + "].URI " + uris.get(entry) + ": " + why)
                .suppressingRestarts();
    }

    @Override
    public void close() {
        read.clear();
    }
}
