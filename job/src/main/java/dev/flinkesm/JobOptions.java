package dev.flinkesm;

import dev.flinkesm.failure.Backoff;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.source.DeliverySettings;
import dev.flinkesm.source.RestoreOffsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the job runs a mapping, beyond what the mapping itself says: settings AWS keeps to itself (retry pacing,
 * concurrency) or that only exist off AWS (an explicit Lambda endpoint, extra Kafka client properties).
 */
public final class JobOptions {
    /** Explicit Lambda endpoint; null: the SDK's standard resolution (AWS_ENDPOINT_URL_LAMBDA, ...). */
    public String lambdaEndpoint;

    public int maxConcurrentInvocations = DeliverySettings.DEFAULT_MAX_CONCURRENT_INVOCATIONS;
    /** Bytes of records each reader (subtask) holds at most: waiting, in flight and retrying. */
    public long maxBufferedBytes = DeliverySettings.DEFAULT_MAX_BUFFERED_BYTES;
    public Duration retryInitialBackoff = Backoff.DEFAULT_INITIAL;
    public Duration retryMaxBackoff = Backoff.DEFAULT_MAX;
    public Duration invokeTimeout = LambdaClientFactory.DEFAULT_INVOKE_TIMEOUT;
    public LambdaClientFactory.HttpClientKind httpClient = LambdaClientFactory.HttpClientKind.CRT;
    /** Used when the cluster's configuration does not enable checkpointing itself. */
    public Duration checkpointInterval = Duration.ofSeconds(10);
    /** Where a restored partition starts; {@link RestoreOffsets#CHECKPOINT} for a deliberate rewind. */
    public RestoreOffsets restoreOffsets = RestoreOffsets.LATER;
    /** 0: the environment's default parallelism. */
    public int parallelism;
    /** Extra Kafka consumer properties (e.g. fetch tuning); they cannot override what delivery relies on. */
    public final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    /** Explicit endpoints for on-failure destination services ({@code sqs}, {@code sns}, {@code s3}). */
    public final Map<String, String> destinationEndpoints = new LinkedHashMap<>();

    public JobOptions lambdaEndpoint(String endpoint) {
        this.lambdaEndpoint = endpoint;
        return this;
    }

    public JobOptions backoff(Duration initial, Duration max) {
        this.retryInitialBackoff = initial;
        this.retryMaxBackoff = max;
        return this;
    }

    public JobOptions checkpointInterval(Duration interval) {
        this.checkpointInterval = interval;
        return this;
    }

    public JobOptions parallelism(int parallelism) {
        this.parallelism = parallelism;
        return this;
    }

    public JobOptions maxConcurrentInvocations(int max) {
        this.maxConcurrentInvocations = max;
        return this;
    }

    public JobOptions maxBufferedBytes(long bytes) {
        this.maxBufferedBytes = bytes;
        return this;
    }

    public JobOptions httpClient(LambdaClientFactory.HttpClientKind kind) {
        this.httpClient = kind;
        return this;
    }

    public JobOptions restoreOffsets(RestoreOffsets restoreOffsets) {
        this.restoreOffsets = restoreOffsets;
        return this;
    }

    public JobOptions invokeTimeout(Duration timeout) {
        this.invokeTimeout = timeout;
        return this;
    }
}
