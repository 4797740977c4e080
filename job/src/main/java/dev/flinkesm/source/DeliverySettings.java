package dev.flinkesm.source;

import dev.flinkesm.config.DestinationAddress;
import dev.flinkesm.delivery.DeliveryRules;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.FailurePolicy;
import dev.flinkesm.failure.destination.DestinationContext;
import dev.flinkesm.failure.destination.OnFailureDestination;
import dev.flinkesm.failure.destination.OnFailureDestinations;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.io.Serializable;
import java.time.Duration;
import java.util.Properties;

/**
 * Everything a reader needs to deliver, fixed when the job is built and shipped in the job graph. Holds no secrets:
 * credentials are resolved on the task managers.
 */
public final class DeliverySettings implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Invocations one reader (subtask) keeps in flight at most, over all its partitions. */
    public static final int DEFAULT_MAX_CONCURRENT_INVOCATIONS = 256;

    /** Bytes of records one reader holds at most before it takes no more (see {@code --max-buffered-mb}). */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 128L << 20;

    /**
     * Least time between two commit requests of a reader (see {@code --commit-interval-ms}). The job's one default:
     * it lives here beside the reader's other defaults, and {@code JobOptions} refers to it, so settings built
     * without {@code JobOptions} pace commits as the job does.
     */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);

    private final BatchLimits limits;
    private final KafkaEventEncoder encoder;
    private final LambdaClientFactory lambda;
    private final Backoff backoff;
    private final int maxConcurrentInvocations;
    private final String consumerGroupId;
    private final Properties adminProperties;
    private final FailurePolicy policy;
    private final DestinationAddress onFailureDestination; // null: none
    private final DestinationContext destinationContext;
    private long maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES;
    private boolean offsetGapsExpected;
    private boolean commitBeforeNextBatch;
    private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
    private final RestoreOffsets restoreOffsets;

    public DeliverySettings(
            BatchLimits limits,
            KafkaEventEncoder encoder,
            LambdaClientFactory lambda,
            Backoff backoff,
            int maxConcurrentInvocations,
            String consumerGroupId,
            Properties adminProperties,
            FailurePolicy policy,
            DestinationAddress onFailureDestination,
            DestinationContext destinationContext,
            RestoreOffsets restoreOffsets) {
        this.limits = limits;
        this.encoder = encoder;
        this.lambda = lambda;
        this.backoff = backoff;
        this.maxConcurrentInvocations = maxConcurrentInvocations;
        this.consumerGroupId = consumerGroupId;
        this.adminProperties = adminProperties;
        this.policy = policy;
        this.onFailureDestination = onFailureDestination;
        this.destinationContext = destinationContext;
        this.restoreOffsets = restoreOffsets;
    }

    /** Where a restored partition starts: the later of checkpoint and group, or the checkpoint alone. */
    public RestoreOffsets restoreOffsets() {
        return restoreOffsets;
    }

    /** Sets the reader's memory budget for held records; call before the settings are shipped. */
    public DeliverySettings maxBufferedBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the buffer budget must be at least 1 byte, got " + bytes);
        }
        this.maxBufferedBytes = bytes;
        return this;
    }

    /**
     * Says that the reader sees gaps between offsets in normal operation (FilterCriteria drop records before it), so
     * a gap cannot hint at records retention removed; call before the settings are shipped.
     */
    public DeliverySettings offsetGapsExpected(boolean expected) {
        this.offsetGapsExpected = expected;
        return this;
    }

    /** See {@link DeliveryRules#commitBeforeNextBatch()}; call before the settings are shipped. */
    public DeliverySettings commitBeforeNextBatch(boolean wait) {
        this.commitBeforeNextBatch = wait;
        return this;
    }

    /**
     * The least time between two commit requests of a reader (zero: after every batch); call before the settings
     * are shipped. Ignored with {@link #commitBeforeNextBatch}, whose batches wait for their commit.
     */
    public DeliverySettings commitInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("the commit interval must not be negative, got " + interval);
        }
        this.commitInterval = interval;
        return this;
    }

    public Duration commitInterval() {
        return commitBeforeNextBatch ? Duration.ZERO : commitInterval;
    }

    public boolean offsetGapsExpected() {
        return offsetGapsExpected;
    }

    /** The rules the delivery engine applies, for a function reached through {@link #lambda()}. */
    public DeliveryRules rules() {
        return new DeliveryRules(limits, encoder, policy, backoff, maxConcurrentInvocations, maxBufferedBytes,
                lambda.functionName(), commitBeforeNextBatch);
    }

    public FailurePolicy policy() {
        return policy;
    }

    /** The mapping's on-failure destination client, or null when the mapping sets none. */
    public OnFailureDestination createDestination() {
        return onFailureDestination == null ? null : OnFailureDestinations.create(onFailureDestination, destinationContext);
    }

    public BatchLimits limits() {
        return limits;
    }

    public KafkaEventEncoder encoder() {
        return encoder;
    }

    public LambdaClientFactory lambda() {
        return lambda;
    }

    public Backoff backoff() {
        return backoff;
    }

    public int maxConcurrentInvocations() {
        return maxConcurrentInvocations;
    }

    public String consumerGroupId() {
        return consumerGroupId;
    }

    /** Connection (and, resolved on the task manager, security) settings for the admin client that commits. */
    public Properties adminProperties() {
        Properties copy = new Properties();
        copy.putAll(adminProperties);
        return copy;
    }
}
