package dev.flinkesm.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code EventSourceMappingConfiguration} on the wire. The command prints what the AWS CLI prints; on the wire
 * Lambda's REST-JSON protocol sends timestamps ({@code LastModified}) as epoch seconds, which is what the SDKs and
 * botocore parse. Everything else is the command's configuration unchanged, so both front ends agree.
 */
public final class WireFormat {
    private WireFormat() {}

    /** @param printed what the command prints ({@code Output.configuration}) */
    public static ObjectNode configuration(ObjectNode printed) {
        ObjectNode wire = printed.deepCopy();
        String lastModified = printed.path("LastModified").asText("");
        if (!lastModified.isEmpty()) {
            Instant t = OffsetDateTime.parse(lastModified).toInstant();
            wire.put("LastModified", BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
        }
        List<String> nulls = new ArrayList<>();
        wire.fields().forEachRemaining(e -> {
            if (e.getValue() == null || e.getValue().isNull()) {
                nulls.add(e.getKey());
            }
        });
        wire.remove(nulls);
        return wire;
    }

    public static ObjectNode list(List<ObjectNode> configurations, String nextMarker) {
        ObjectNode out = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (nextMarker != null) {
            out.put("NextMarker", nextMarker);
        }
        out.putArray("EventSourceMappings").addAll(new ArrayList<JsonNode>(configurations));
        return out;
    }
}
