package dev.flinkesm.failure.destination;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * What building an on-failure destination needs beyond the destination string.
 *
 * <p>Serializable (no credentials in it: AWS clients use the SDK's default credentials chain) so it can travel in the
 * job graph and the clients are built on the task manager.
 */
public final class DestinationContext implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Keys of {@link #endpointOverride}: the SDK's service ids. */
    public static final String SQS = "sqs";
    public static final String SNS = "sns";
    public static final String S3 = "s3";

    private final String esmUuid;
    private final Properties kafkaProducerProperties;
    private final Map<String, String> endpointOverrides;

    /**
     * @param esmUuid the mapping's UUID: names the S3 objects ({@code aws/lambda/<uuid>/...})
     * @param kafkaProducerProperties client settings for the source cluster (bootstrap servers, security), for a
     *     {@code kafka://} destination; may be empty for the others
     * @param endpointOverrides explicit endpoints per service ({@code {"sqs": "http://127.0.0.1:9324"}}), for tests
     *     and LocalStack; a service not named here uses the SDK's standard resolution ({@code AWS_ENDPOINT_URL_SQS},
     *     {@code AWS_ENDPOINT_URL}, the shared config file, else AWS in the ARN's region)
     */
    public DestinationContext(
            String esmUuid, Properties kafkaProducerProperties, Map<String, String> endpointOverrides) {
        this.esmUuid = Objects.requireNonNull(esmUuid, "esmUuid");
        this.kafkaProducerProperties = new Properties();
        if (kafkaProducerProperties != null) {
            this.kafkaProducerProperties.putAll(kafkaProducerProperties);
        }
        this.endpointOverrides = endpointOverrides == null ? Map.of() : Map.copyOf(endpointOverrides);
    }

    public String esmUuid() {
        return esmUuid;
    }

    /** A copy: callers may change it. */
    public Properties kafkaProducerProperties() {
        Properties copy = new Properties();
        copy.putAll(kafkaProducerProperties);
        return copy;
    }

    public Map<String, String> endpointOverrides() {
        return endpointOverrides;
    }

    /** The explicit endpoint for {@code service} ({@link #SQS}, {@link #SNS}, {@link #S3}), or {@code null}. */
    public String endpointOverride(String service) {
        return endpointOverrides.get(service);
    }
}
