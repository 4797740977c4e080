package dev.flinkesm.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The access keys {@code esm serve} accepts: a JSON array of {@code {"AccessKeyId": ..., "SecretAccessKey": ...}}.
 * Secrets stay in this object: {@link #toString()} names only how many keys there are, and no message built here
 * contains a secret.
 */
public final class AccessKeys {
    /** The environment variable that may hold the same JSON as {@code --access-keys FILE}. */
    public static final String ENV = "ESM_ACCESS_KEYS";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> secretsById;

    private AccessKeys(Map<String, String> secretsById) {
        this.secretsById = Map.copyOf(secretsById);
    }

    public static AccessKeys fromFile(Path file) {
        try {
            return parse(Files.readString(file), "--access-keys " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read --access-keys " + file + ": " + e.getMessage());
        }
    }

    /**
     * @param source where the JSON came from, for messages (a file name or the variable's name, never the value)
     */
    public static AccessKeys parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            // The parser's message may quote the input, which holds secrets: say only where it failed.
            throw new IllegalArgumentException(source + " is not JSON (line "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                            ? p.getLocation().getLineNr() : -1) + ")");
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new IllegalArgumentException(source
                    + " must be a non-empty JSON array of {\"AccessKeyId\": ..., \"SecretAccessKey\": ...}");
        }
        Map<String, String> keys = new HashMap<>();
        int i = 0;
        for (JsonNode k : root) {
            String id = k.path("AccessKeyId").asText("");
            String secret = k.path("SecretAccessKey").asText("");
            if (id.isEmpty() || secret.isEmpty()) {
                throw new IllegalArgumentException(source + ": entry " + i
                        + " needs a non-empty AccessKeyId and SecretAccessKey");
            }
            if (keys.put(id, secret) != null) {
                throw new IllegalArgumentException(source + ": AccessKeyId " + id + " appears twice");
            }
            i++;
        }
        return new AccessKeys(keys);
    }

    public Optional<String> secretFor(String accessKeyId) {
        return Optional.ofNullable(secretsById.get(accessKeyId));
    }

    public int size() {
        return secretsById.size();
    }

    @Override
    public String toString() {
        return "AccessKeys[" + secretsById.size() + " keys]";
    }
}
