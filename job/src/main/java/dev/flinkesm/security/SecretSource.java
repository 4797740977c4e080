package dev.flinkesm.security;

import java.util.Map;

/**
 * Where a {@code SourceAccessConfigurations} secret lives. Reads the secret's JSON object ({@code username},
 * {@code password}, {@code certificate}, {@code privateKey}, {@code privateKeyPassword}) when a Kafka client starts.
 */
interface SecretSource {

    /** True if this source reads URIs like {@code uri}. */
    boolean handles(String uri);

    /**
     * The secret's keys and values. Fails with {@link SecretUnreadableException}, whose message never holds any part
     * of the secret.
     */
    Map<String, String> read(String uri);
}
