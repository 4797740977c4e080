package dev.flinkesm.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** The secret format AWS uses: one JSON object whose values are strings. */
final class SecretJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SecretJson() {}

    static Map<String, String> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the text around the error: part of a secret. Say where only.
            throw new SecretUnreadableException("secret is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new SecretUnreadableException("secret is not a JSON object");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new SecretUnreadableException("secret key " + field.getKey() + " is not a string");
            }
            values.put(field.getKey(), field.getValue().textValue());
        }
        return values;
    }
}
