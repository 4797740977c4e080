package dev.flinkesm.pipeline;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.invoke.InvokerKind;
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
    public int maxConcurrentInvocations = DeliverySettings.DEFAULT_MAX_CONCURRENT_INVOCATIONS;
    /** Bytes of records each reader (subtask) holds at most: waiting, in flight and retrying. */
    public long maxBufferedBytes = DeliverySettings.DEFAULT_MAX_BUFFERED_BYTES;
    public Duration retryInitialBackoff = Backoff.DEFAULT_INITIAL;
    public Duration retryMaxBackoff = Backoff.DEFAULT_MAX;
    public Duration invokeTimeout = LambdaClientFactory.DEFAULT_INVOKE_TIMEOUT;
    public HttpClientKind httpClient = HttpClientKind.CRT;
    public InvokerKind invoker = InvokerKind.SDK;
    /** Used when the cluster's configuration does not enable checkpointing itself. */
    public Duration checkpointInterval = Duration.ofSeconds(10);
    /** Where a restored partition starts; {@link RestoreOffsets#CHECKPOINT} for a deliberate rewind. */
    public RestoreOffsets restoreOffsets = RestoreOffsets.LATER;
    /** 0: the environment's default parallelism. */
    public int parallelism;
    /** Extra Kafka consumer properties (e.g. fetch tuning); they cannot override what delivery relies on. */
    public final Map<String, String> kafkaProperties = new LinkedHashMap<>();
    /** Explicit endpoints per AWS service ({@code --endpoint}); a service not here: the SDK's standard resolution. */
    private final Map<AwsService, String> endpoints = new LinkedHashMap<>();

    /** {@code --lambda-endpoint URL}: the same as {@code endpoint("lambda", URL)}. */
    public JobOptions lambdaEndpoint(String endpoint) {
        return endpoint(AwsService.LAMBDA.optionName(), endpoint);
    }

    /**
     * {@code --endpoint SERVICE=URL}; a null URL clears it.
     *
     * @throws IllegalArgumentException for an unknown service or a URL that is not absolute
     */
    public JobOptions endpoint(String service, String url) {
        AwsService s = AwsService.named(service);
        if (url == null) {
            endpoints.remove(s);
        } else {
            AwsClients.standard().withEndpoint(s, url); // validates the URL
            endpoints.put(s, url.trim());
        }
        return this;
    }

    /** The clients these options ask for: endpoints and HTTP client. */
    public AwsClients aws() {
        AwsClients aws = AwsClients.standard().withHttpClient(httpClient);
        for (Map.Entry<AwsService, String> e : endpoints.entrySet()) {
            aws = aws.withEndpoint(e.getKey(), e.getValue());
        }
        return aws;
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

    /** A partition's next batch waits for the group's commit of the one before (strict crash-duplicate bound). */
    public boolean commitBeforeNextBatch;
    /**
     * See {@code --commit-interval-ms}. Against an instant function at BatchSize 100 the interval cuts the broker's
     * CPU per record (by up to 40 % in scripts/bench) and leaves the job's CPU within noise (docs/performance.md).
     * The default is {@link DeliverySettings#DEFAULT_COMMIT_INTERVAL}, kept beside the reader's other defaults.
     */
    public Duration commitInterval = DeliverySettings.DEFAULT_COMMIT_INTERVAL;

    public JobOptions commitInterval(Duration interval) {
        this.commitInterval = interval;
        return this;
    }

    public JobOptions commitBeforeNextBatch(boolean wait) {
        this.commitBeforeNextBatch = wait;
        return this;
    }

    public JobOptions maxBufferedBytes(long bytes) {
        this.maxBufferedBytes = bytes;
        return this;
    }

    public JobOptions httpClient(HttpClientKind kind) {
        this.httpClient = kind;
        return this;
    }

    public JobOptions invoker(InvokerKind kind) {
        this.invoker = kind;
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
