package dev.flinkesm.config;

import java.io.Serializable;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code DestinationConfig.OnFailure.Destination}, parsed once: the mapping parser checks it with {@link #parse} and
 * the job builds its destination client from the same value, so a destination the parser accepts is one the job can
 * open (a second, different set of rules once let {@code kafka://.hidden} through the parser and then failed every
 * reader start).
 *
 * <p>Forms, with AWS's rules:
 * <ul>
 *   <li>{@code kafka://<topic>}: a Kafka topic name that does not start with "." (Lambda's pattern for the field is
 *       {@code kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))});
 *   <li>{@code arn:<partition>:sqs:<region>:<account>:<queue>}, {@code arn:<partition>:sns:<region>:<account>:<topic>};
 *   <li>{@code arn:<partition>:s3:::<bucket>}.
 * </ul>
 */
public final class DestinationAddress implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What kind of destination an address names. */
    public enum Kind {
        KAFKA,
        SQS,
        SNS,
        S3
    }

    static final String KAFKA_PREFIX = "kafka://";
    static final String KAFKA_TOPIC_RULE = "(1..249 of [a-zA-Z0-9._-], not starting with \".\")";

    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9_-][a-zA-Z0-9._-]{0,248}");
    private static final String REGION = "([a-z]{2}(?:-[a-z]+)+-\\d+)";
    private static final String ACCOUNT = "(\\d{12})";
    private static final Pattern SQS_ARN =
            Pattern.compile("arn:aws[a-z-]*:sqs:" + REGION + ":" + ACCOUNT + ":([a-zA-Z0-9_-]{1,80}(?:\\.fifo)?)");
    private static final Pattern SNS_ARN =
            Pattern.compile("arn:aws[a-z-]*:sns:" + REGION + ":" + ACCOUNT + ":([a-zA-Z0-9_-]{1,256}(?:\\.fifo)?)");
    private static final Pattern S3_ARN = Pattern.compile("arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])");

    private final Kind kind;
    private final String address;
    private final String name; // topic, queue, SNS topic or bucket
    private final String region; // SQS and SNS only
    private final String account; // SQS and SNS only

    private DestinationAddress(Kind kind, String address, String name, String region, String account) {
        this.kind = kind;
        this.address = address;
        this.name = name;
        this.region = region;
        this.account = account;
    }

    /**
     * The address {@code destination} names.
     *
     * @throws IllegalArgumentException saying which rule it breaks (without the field name: callers add it)
     */
    public static DestinationAddress parse(String destination) {
        Objects.requireNonNull(destination, "destination");
        if (destination.startsWith(KAFKA_PREFIX)) {
            String topic = destination.substring(KAFKA_PREFIX.length());
            if (!KAFKA_TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException("does not name a Kafka topic " + KAFKA_TOPIC_RULE);
            }
            return new DestinationAddress(Kind.KAFKA, destination, topic, null, null);
        }
        Matcher m = SQS_ARN.matcher(destination);
        if (m.matches()) {
            return new DestinationAddress(Kind.SQS, destination, m.group(3), m.group(1), m.group(2));
        }
        m = SNS_ARN.matcher(destination);
        if (m.matches()) {
            return new DestinationAddress(Kind.SNS, destination, m.group(3), m.group(1), m.group(2));
        }
        m = S3_ARN.matcher(destination);
        if (m.matches()) {
            return new DestinationAddress(Kind.S3, destination, m.group(1), null, null);
        }
        throw new IllegalArgumentException(
                "is not kafka://<topic>, an SQS queue ARN, an SNS topic ARN or an S3 bucket ARN");
    }

    public Kind kind() {
        return kind;
    }

    /** As written in the mapping, e.g. {@code kafka://orders-dlq} or {@code arn:aws:sqs:...}. */
    public String address() {
        return address;
    }

    /** The Kafka topic, SQS queue, SNS topic or S3 bucket name. */
    public String name() {
        return name;
    }

    /** The region of an SQS or SNS ARN; null for Kafka and S3. */
    public String region() {
        return region;
    }

    /** The account of an SQS or SNS ARN; null for Kafka and S3. */
    public String account() {
        return account;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DestinationAddress && ((DestinationAddress) o).address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    @Override
    public String toString() {
        return address;
    }
}
