package dev.flinkesm.failure.destination;

import dev.flinkesm.config.DestinationAddress;
import java.util.Objects;

/** Builds the {@link OnFailureDestination} a mapping's {@code DestinationConfig.OnFailure.Destination} names. */
public final class OnFailureDestinations {

    private OnFailureDestinations() {}

    /**
     * The destination for {@code destination}, parsed with the mapping parser's rules ({@link DestinationAddress}).
     *
     * @throws IllegalArgumentException when it breaks them, naming the field and the rule
     */
    public static OnFailureDestination create(String destination, DestinationContext ctx) {
        DestinationAddress address;
        try {
            address = DestinationAddress.parse(destination);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "DestinationConfig.OnFailure.Destination '" + destination + "' " + e.getMessage(), e);
        }
        return create(address, ctx);
    }

    /**
     * The destination for an address the mapping parser accepted:
     *
     * <ul>
     *   <li>{@code kafka://<topic>}: {@link KafkaTopicDestination} on the source cluster, with
     *       {@link DestinationContext#kafkaProducerProperties()};
     *   <li>an SQS queue ARN: {@link SqsDestination}; an SNS topic ARN: {@link SnsDestination};
     *   <li>an S3 bucket ARN: {@link S3Destination}.
     * </ul>
     *
     * @throws IllegalArgumentException for a kafka:// destination without the source cluster's client properties
     */
    public static OnFailureDestination create(DestinationAddress address, DestinationContext ctx) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(ctx, "ctx");
        switch (address.kind()) {
            case KAFKA:
                if (ctx.kafkaProducerProperties().isEmpty()) {
                    throw new IllegalArgumentException("DestinationConfig.OnFailure.Destination " + address
                            + ": a kafka:// destination needs the source cluster's client properties");
                }
                return new KafkaTopicDestination(address.name(), ctx.kafkaProducerProperties());
            case SQS:
                return new SqsDestination(address.address(), address.name(), address.account(),
                        ctx.aws().sqs(address.region()));
            case SNS:
                return new SnsDestination(address.address(),
                        ctx.aws().sns(address.region()));
            case S3:
                return new S3Destination(address.address(), address.name(), ctx.esmUuid(),
                        ctx.aws().s3());
            default:
                throw new IllegalStateException("unhandled destination kind " + address.kind());
        }
    }
}
