package dev.flinkesm.failure.destination;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the {@link OnFailureDestination} a mapping's {@code DestinationConfig.OnFailure.Destination} names. */
public final class OnFailureDestinations {

    /** Lambda's rule for a Kafka destination (API reference, {@code OnFailure.Destination} pattern). */
    private static final Pattern KAFKA = Pattern.compile("kafka://([^.][a-zA-Z0-9\\-_.]{0,248})");

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>}. */
    private static final Pattern ARN = Pattern.compile("arn:(aws[a-zA-Z0-9-]*):([a-z0-9-]+):([^:]*):([^:]*):(.+)");

    private OnFailureDestinations() {}

    /**
     * The destination for {@code destination}:
     *
     * <ul>
     *   <li>{@code kafka://<topic>}: {@link KafkaTopicDestination} on the source cluster, with
     *       {@link DestinationContext#kafkaProducerProperties()};
     *   <li>{@code arn:aws:sqs:<region>:<account>:<queue>}: {@link SqsDestination};
     *   <li>{@code arn:aws:sns:<region>:<account>:<topic>}: {@link SnsDestination};
     *   <li>{@code arn:aws:s3:::<bucket>}: {@link S3Destination}.
     * </ul>
     *
     * @throws IllegalArgumentException for anything else, naming the accepted forms
     */
    public static OnFailureDestination create(String destination, DestinationContext ctx) {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(ctx, "ctx");
        Matcher kafka = KAFKA.matcher(destination);
        if (kafka.matches()) {
            if (ctx.kafkaProducerProperties().isEmpty()) {
                throw new IllegalArgumentException("DestinationConfig.OnFailure.Destination " + destination
                        + ": a kafka:// destination needs the source cluster's client properties");
            }
            return new KafkaTopicDestination(kafka.group(1), ctx.kafkaProducerProperties());
        }
        Matcher arn = ARN.matcher(destination);
        if (arn.matches()) {
            String service = arn.group(2);
            String region = arn.group(3);
            String account = arn.group(4);
            String resource = arn.group(5);
            switch (service) {
                case "sqs":
                    requireRegionAndAccount(destination, region, account);
                    return new SqsDestination(destination, resource, account,
                            ctx.aws().sqs(region));
                case "sns":
                    requireRegionAndAccount(destination, region, account);
                    return new SnsDestination(destination,
                            ctx.aws().sns(region));
                case "s3":
                    if (!region.isEmpty() || !account.isEmpty() || resource.contains("/")) {
                        throw invalid(destination, "an S3 destination is a bucket ARN, arn:aws:s3:::<bucket>");
                    }
                    return new S3Destination(destination, resource, ctx.esmUuid(),
                            ctx.aws().s3());
                default:
                    break;
            }
        }
        throw invalid(destination, "must be kafka://<topic>, or the ARN of an SQS queue, SNS topic or S3 bucket");
    }

    private static void requireRegionAndAccount(String destination, String region, String account) {
        if (region.isEmpty() || account.isEmpty()) {
            throw invalid(destination, "an SQS or SNS ARN names its region and account");
        }
    }

    private static IllegalArgumentException invalid(String destination, String rule) {
        return new IllegalArgumentException("DestinationConfig.OnFailure.Destination '" + destination + "': " + rule);
    }
}
