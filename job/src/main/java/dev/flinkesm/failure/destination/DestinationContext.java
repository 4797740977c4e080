package dev.flinkesm.failure.destination;

import dev.flinkesm.aws.AwsClients;
import java.io.Serializable;
import java.util.Objects;
import java.util.Properties;

/**
 * What building an on-failure destination needs beyond the destination string.
 *
 * <p>Serializable (no credentials in it: AWS clients use the SDK's default credentials chain) so it can travel in the
 * job graph and the clients are built on the task manager.
 */
public final class DestinationContext implements Serializable {
    private static final long serialVersionUID = 2L;

    private final String esmUuid;
    private final Properties kafkaProducerProperties;
    private final AwsClients aws;

    /**
     * @param esmUuid the mapping's UUID: names the S3 objects ({@code aws/lambda/<uuid>/...})
     * @param kafkaProducerProperties client settings for the source cluster (bootstrap servers, security), for a
     *     {@code kafka://} destination; may be empty for the others
     * @param aws builds the SQS, SNS and S3 clients (endpoints per service, region and credentials chains)
     */
    public DestinationContext(String esmUuid, Properties kafkaProducerProperties, AwsClients aws) {
        this.esmUuid = Objects.requireNonNull(esmUuid, "esmUuid");
        this.kafkaProducerProperties = new Properties();
        if (kafkaProducerProperties != null) {
            this.kafkaProducerProperties.putAll(kafkaProducerProperties);
        }
        this.aws = Objects.requireNonNull(aws, "aws");
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

    public AwsClients aws() {
        return aws;
    }
}
