package dev.flinkesm.aws;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.endpoint.AwsClientEndpointProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The one place that builds the job's AWS clients (Lambda, Secrets Manager, SQS, SNS, S3, and the MSK lookup), so
 * they all follow the same rules:
 *
 * <ul>
 *   <li><b>Region</b>: the one the resource's ARN names, else the SDK's default region chain
 *       ({@code AWS_REGION}, {@code aws.region}, the shared config, instance metadata).
 *   <li><b>Credentials</b>: the SDK's default credentials chain, resolved where the client is built (task managers),
 *       never carried in the job graph.
 *   <li><b>Endpoint</b>: an explicit {@code --endpoint SERVICE=URL} wins; otherwise the SDK's standard resolution
 *       ({@code AWS_ENDPOINT_URL_<SERVICE>}, {@code AWS_ENDPOINT_URL}, their {@code aws.endpointUrl...} system
 *       properties, the shared config file), else AWS's regional endpoint.
 *   <li><b>HTTP</b>: asynchronous calls on the chosen {@link HttpClientKind}; the two one-shot synchronous calls
 *       (a secret when a Kafka client starts, MSK's brokers when the job is built) on the SDK's URL-connection
 *       client. Bounded connect and call timeouts everywhere.
 *   <li><b>Retries</b>: none inside the SDK for Invoke (every attempt is an invocation the mapping counts and
 *       classifies); the SDK's standard retries for the rest, which are small writes or reads.
 *   <li><b>User agent</b>: {@value #USER_AGENT} appended.
 * </ul>
 *
 * <p>Serializable and immutable: it travels in the job graph and holds only endpoint URLs and the HTTP client kind.
 */
public final class AwsClients implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String USER_AGENT = "flink-lambda-esm";

    /** Upper bound for one non-Invoke call including the SDK's retries: the caller's own backoff takes over. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(60);

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

    /** Connections per destination client: one write per failed batch, never many at once per subtask. */
    static final int DESTINATION_MAX_CONCURRENCY = 16;

    private final EnumMap<AwsService, String> endpoints;
    private final HttpClientKind httpClient;

    private AwsClients(Map<AwsService, String> endpoints, HttpClientKind httpClient) {
        this.endpoints = new EnumMap<>(AwsService.class);
        this.endpoints.putAll(endpoints);
        this.httpClient = httpClient;
    }

    /** The SDK's standard resolution for every service, on the CRT HTTP client. */
    public static AwsClients standard() {
        return new AwsClients(Map.of(), HttpClientKind.CRT);
    }

    /**
     * From {@code --endpoint} values ({@code {"sqs": "http://localhost:9324"}}).
     *
     * @throws IllegalArgumentException for an unknown service name or a URL that is not absolute
     */
    public static AwsClients of(Map<String, String> endpointsByName, HttpClientKind httpClient) {
        AwsClients clients = new AwsClients(Map.of(), httpClient);
        for (Map.Entry<String, String> e : endpointsByName.entrySet()) {
            clients = clients.withEndpoint(AwsService.named(e.getKey()), e.getValue());
        }
        return clients;
    }

    /** A copy with {@code service}'s endpoint set ({@code null}: back to the SDK's resolution). */
    public AwsClients withEndpoint(AwsService service, String url) {
        EnumMap<AwsService, String> copy = new EnumMap<>(endpoints);
        if (url == null) {
            copy.remove(service);
        } else {
            URI uri = URI.create(url.trim());
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw new IllegalArgumentException("--endpoint " + service.optionName() + "=" + url
                        + ": not an absolute URL such as http://localhost:9324");
            }
            copy.put(service, uri.toString());
        }
        return new AwsClients(copy, httpClient);
    }

    public AwsClients withHttpClient(HttpClientKind kind) {
        return new AwsClients(endpoints, kind);
    }

    /** The explicit endpoint of {@code service}, if {@code --endpoint} set one. */
    public Optional<URI> endpointOverride(AwsService service) {
        return Optional.ofNullable(endpoints.get(service)).map(URI::create);
    }

    public HttpClientKind httpClient() {
        return httpClient;
    }

    /**
     * The Lambda client: no SDK retries, the whole invocation bounded by {@code invokeTimeout}.
     *
     * @param region the function ARN's region; empty: the default region chain
     */
    public LambdaAsyncClient lambda(Optional<Region> region, int maxConcurrency, Duration invokeTimeout) {
        var builder = LambdaAsyncClient.builder()
                .httpClientBuilder(asyncHttp(maxConcurrency, invokeTimeout))
                .overrideConfiguration(common()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(invokeTimeout)
                        .build());
        region.ifPresent(builder::region);
        endpointOverride(AwsService.LAMBDA).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** For a queue ARN's region. */
    public SqsAsyncClient sqs(String region) {
        return destination(SqsAsyncClient.builder(), AwsService.SQS, Region.of(region)).build();
    }

    /** For a topic ARN's region. */
    public SnsAsyncClient sns(String region) {
        return destination(SnsAsyncClient.builder(), AwsService.SNS, Region.of(region)).build();
    }

    /**
     * S3 bucket ARNs carry no region: the default region chain names one (us-east-1 if it names none) and cross-region
     * access lets the SDK follow the bucket to its own region. An explicit endpoint (S3-compatible stores, tests)
     * gets path-style addressing, which such servers expect, and checksums only where the API requires them: the
     * SDK's default (since 2.30) sends a CRC32 trailer in aws-chunked encoding, which S3-compatible servers such as
     * S3Proxy 2.6 reject ("x-amz-content-sha256 header does not match"). Against AWS the default stays.
     */
    public S3AsyncClient s3() {
        var builder = destination(S3AsyncClient.builder(), AwsService.S3, defaultRegionOr(Region.US_EAST_1));
        if (endpoints.containsKey(AwsService.S3)) {
            builder.forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        } else {
            builder.crossRegionAccessEnabled(true);
        }
        return builder.build();
    }

    /** For a secret ARN's region; synchronous: one call when a Kafka client starts. */
    public SecretsManagerClient secretsManager(Region region) {
        var builder = SecretsManagerClient.builder()
                .httpClientBuilder(syncHttpBuilder())
                .region(region)
                .overrideConfiguration(common().apiCallTimeout(API_CALL_TIMEOUT).build());
        endpointOverride(AwsService.SECRETS_MANAGER).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * MSK's endpoint in {@code region}, resolved by the SDK's own rules for the service id "Kafka" (what a generated
     * MSK client would do): {@code --endpoint kafka=URL}, else {@code AWS_ENDPOINT_URL_KAFKA} /
     * {@code aws.endpointUrlKafka}, the shared config's {@code services} section, {@code AWS_ENDPOINT_URL} /
     * {@code aws.endpointUrl}, else the regional endpoint from the SDK's service metadata. The SDK's MSK client is
     * not published at the pinned SDK version, so {@code MskBootstrapServers} makes its one call itself.
     */
    public URI kafkaEndpoint(Region region) {
        AwsClientEndpointProvider.Builder provider = AwsClientEndpointProvider.builder()
                .serviceEndpointOverrideEnvironmentVariable("AWS_ENDPOINT_URL_KAFKA")
                .serviceEndpointOverrideSystemProperty("aws.endpointUrlKafka")
                .serviceProfileProperty("kafka")
                .serviceEndpointPrefix("kafka")
                .defaultProtocol("https")
                .region(region);
        endpointOverride(AwsService.KAFKA).ifPresent(provider::clientEndpointOverride);
        return provider.build().clientEndpoint();
    }

    /** A synchronous HTTP client for a one-shot signed call (the caller closes it). */
    public SdkHttpClient syncHttp() {
        return syncHttpBuilder().build();
    }

    private static UrlConnectionHttpClient.Builder syncHttpBuilder() {
        return UrlConnectionHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT);
    }

    /** The default credentials chain (the caller closes it). */
    public AwsCredentialsProvider credentials() {
        return DefaultCredentialsProvider.builder().build();
    }

    private <B extends AwsAsyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B destination(
            B builder, AwsService service, Region region) {
        builder.httpClientBuilder(asyncHttp(DESTINATION_MAX_CONCURRENCY, SOCKET_TIMEOUT))
                .overrideConfiguration(common().apiCallTimeout(API_CALL_TIMEOUT).build())
                .region(region);
        endpointOverride(service).ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * A builder, not a client: the SDK client then owns the HTTP client and closes it with itself.
     * {@code readTimeout} bounds a silent connection on Netty; on CRT the client's API call timeout bounds it.
     */
    private SdkAsyncHttpClient.Builder<?> asyncHttp(int maxConcurrency, Duration readTimeout) {
        return switch (httpClient) {
            case CRT -> AwsCrtAsyncHttpClient.builder()
                    .maxConcurrency(maxConcurrency)
                    .connectionTimeout(CONNECT_TIMEOUT);
            case NETTY -> NettyNioAsyncHttpClient.builder()
                    .maxConcurrency(maxConcurrency)
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .connectionAcquisitionTimeout(readTimeout)
                    .readTimeout(readTimeout)
                    .writeTimeout(readTimeout)
                    .tcpKeepAlive(true);
        };
    }

    private static ClientOverrideConfiguration.Builder common() {
        return ClientOverrideConfiguration.builder()
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, USER_AGENT);
    }

    private static Region defaultRegionOr(Region fallback) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException noRegionConfigured) {
            return fallback;
        }
    }

    @Override
    public String toString() {
        return "AwsClients{endpoints=" + endpoints + ", httpClient=" + httpClient + "}";
    }
}
