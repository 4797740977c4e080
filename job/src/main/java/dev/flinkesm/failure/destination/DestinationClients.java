package dev.flinkesm.failure.destination;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Builds every AWS client the on-failure destinations use, in one place: region (from the destination ARN, else the
 * SDK's default region chain), the default credentials chain, the SDK's standard endpoint resolution unless an
 * explicit endpoint is given, a Netty HTTP client with bounded timeouts, and our user agent.
 *
 * <p><b>Retries stay at the SDK's default (standard mode, 3 attempts with jittered backoff), unlike the Lambda
 * client.</b> For Invoke we turn them off because every attempt is an invocation the mapping must count and
 * classify. Here a retry is only a repeated small write that is already at-least-once (see
 * {@link OnFailureDestination}); absorbing a throttle or a 5xx inside the SDK keeps one blip from pausing the
 * partition for a whole backoff round of the caller, whose own retries still cover longer outages.
 */
final class DestinationClients {

    /** Upper bound for one send including SDK retries: the caller's backoff takes over after it. */
    static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(60);

    private static final String USER_AGENT = "flink-lambda-esm";

    private DestinationClients() {}

    static SqsAsyncClient sqs(String region, String endpoint) {
        return configure(SqsAsyncClient.builder(), region, endpoint).build();
    }

    static SnsAsyncClient sns(String region, String endpoint) {
        return configure(SnsAsyncClient.builder(), region, endpoint).build();
    }

    /**
     * S3 bucket ARNs carry no region: the default region chain names one (us-east-1 if it names none) and cross-region
     * access lets the SDK follow the bucket to its own region. An explicit endpoint (S3-compatible stores, tests)
     * gets path-style addressing, which such servers expect, and checksums only where the API requires them: the
     * SDK's default (since 2.30) sends a CRC32 trailer in aws-chunked encoding, which S3-compatible servers such as
     * S3Proxy 2.6 reject ("x-amz-content-sha256 header does not match"). Against AWS the default stays.
     */
    static S3AsyncClient s3(String endpoint) {
        var builder = configure(S3AsyncClient.builder(), defaultRegionOr("us-east-1"), endpoint);
        if (endpoint != null) {
            builder.forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED);
        } else {
            builder.crossRegionAccessEnabled(true);
        }
        return builder.build();
    }

    private static <B extends AwsAsyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B configure(
            B builder, String region, String endpoint) {
        builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(16)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .readTimeout(Duration.ofSeconds(30))
                        .writeTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(c -> c.apiCallTimeout(API_CALL_TIMEOUT)
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, USER_AGENT));
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder;
    }

    private static String defaultRegionOr(String fallback) {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (RuntimeException noRegionConfigured) {
            return fallback;
        }
    }
}
