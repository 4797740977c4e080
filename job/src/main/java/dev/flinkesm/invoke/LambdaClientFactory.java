package dev.flinkesm.invoke;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;

/**
 * Builds the Lambda client the way AWS users expect: region from the function ARN or the SDK's default region chain,
 * the default credentials chain, and the SDK's standard endpoint settings ({@code AWS_ENDPOINT_URL_LAMBDA},
 * {@code AWS_ENDPOINT_URL}, their system properties and the shared config file), so one jar works against AWS,
 * LocalStack or any endpoint that speaks the Invoke API. An explicit endpoint wins over all of those.
 *
 * <p>Serializable: it travels in the job graph and builds the client on the task manager. It holds no credentials.
 */
public final class LambdaClientFactory implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Lambda functions may run 15 minutes; ESM functions should stay under 14. Give the call that long. */
    public static final Duration DEFAULT_INVOKE_TIMEOUT = Duration.ofMinutes(15);

    private static final Pattern ARN_REGION = Pattern.compile("^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):.*");

    private final String functionName;
    private final String endpoint; // null: the SDK's own endpoint resolution
    private final int maxConcurrency;
    private final Duration invokeTimeout;
    private final HttpClientKind httpClient;

    /** Which of the SDK's asynchronous HTTP clients carries the invocations. */
    public enum HttpClientKind {
        /** {@code AwsCrtAsyncHttpClient} (native, the default: cheapest per call). */
        CRT,
        /** {@code NettyNioAsyncHttpClient} (pure Java). */
        NETTY
    }

    public LambdaClientFactory(String functionName, String endpoint, int maxConcurrency, Duration invokeTimeout) {
        this(functionName, endpoint, maxConcurrency, invokeTimeout, HttpClientKind.CRT);
    }

    public LambdaClientFactory(String functionName, String endpoint, int maxConcurrency, Duration invokeTimeout,
            HttpClientKind httpClient) {
        this.functionName = functionName;
        this.endpoint = endpoint;
        this.maxConcurrency = maxConcurrency;
        this.invokeTimeout = invokeTimeout;
        this.httpClient = httpClient;
    }

    public LambdaInvoker createInvoker() {
        return new LambdaInvoker(createClient(), functionName);
    }

    LambdaAsyncClient createClient() {
        LambdaAsyncClientBuilder builder =
                LambdaAsyncClient.builder()
                        .httpClientBuilder(httpClient == HttpClientKind.NETTY
                                ? NettyNioAsyncHttpClient.builder()
                                        .maxConcurrency(maxConcurrency)
                                        .connectionTimeout(Duration.ofSeconds(10))
                                        .connectionAcquisitionTimeout(invokeTimeout)
                                        .readTimeout(invokeTimeout)
                                        .tcpKeepAlive(true)
                                // The SDK's CRT client: measured 20-25 % less CPU per invocation than Netty
                                // (docs/performance.md); the invoke timeout is the call timeout below.
                                : AwsCrtAsyncHttpClient.builder()
                                        .maxConcurrency(maxConcurrency)
                                        .connectionTimeout(Duration.ofSeconds(10)))
                        .overrideConfiguration(
                                c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                                        .apiCallTimeout(invokeTimeout)
                                        .putAdvancedOption(
                                                SdkAdvancedClientOption.USER_AGENT_SUFFIX, "flink-lambda-esm"));
        regionOf(functionName).ifPresent(builder::region);
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** The region named by a full function ARN, if it is one. */
    static Optional<Region> regionOf(String functionName) {
        Matcher m = ARN_REGION.matcher(functionName);
        return m.matches() ? Optional.of(Region.of(m.group(1))) : Optional.empty();
    }

    public String functionName() {
        return functionName;
    }
}
