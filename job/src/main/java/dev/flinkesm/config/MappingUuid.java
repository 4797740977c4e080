package dev.flinkesm.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The UUID of a mapping whose file gives none. It is derived from what identifies the mapping (function, topics,
 * cluster), so a job restarted without a savepoint gets the same UUID and therefore the same default consumer group,
 * and continues from the group's committed offsets instead of {@code StartingPosition}.
 */
public final class MappingUuid {

    /** Versions the canonical form: changing the form changes every derived UUID and thus default consumer groups. */
    private static final String NAMESPACE = "flink-lambda-esm/mapping/v1";

    private MappingUuid() {}

    /**
     * A name-based (type 3) UUID of {@code function}, the sorted topics and the sorted bootstrap servers (or the MSK
     * cluster ARN). Order and surrounding blanks of topics and servers do not matter.
     *
     * @param bootstrapServersOrArn comma-separated {@code host:port} list, or an MSK cluster ARN
     */
    public static String derive(String functionName, List<String> topics, String bootstrapServersOrArn) {
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(bootstrapServersOrArn, "bootstrapServersOrArn");
        String sortedTopics = topics.stream().map(String::trim).sorted().collect(Collectors.joining(","));
        String sortedServers =
                Arrays.stream(bootstrapServersOrArn.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .sorted()
                        .collect(Collectors.joining(","));
        String canonical = String.join("\n", NAMESPACE, functionName.trim(), sortedTopics, sortedServers);
        return UUID.nameUUIDFromBytes(canonical.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
