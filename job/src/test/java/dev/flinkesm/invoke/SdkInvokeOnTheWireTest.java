package dev.flinkesm.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.delivery.Invoker;
import dev.flinkesm.invoke.RecordingLambdaEndpoint.Received;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/**
 * What the default (SDK) invoker puts on the wire with the job's client settings ({@link AwsClients}): the event's
 * bytes exactly, a SigV4 signature that verifies over them, and the same headers as a plain SDK client built without
 * any of the job's settings sends. A check for any change to how the job builds its Lambda client or request.
 */
class SdkInvokeOnTheWireTest {
    private static final String FUNCTION = "arn:aws:lambda:eu-west-3:123456789012:function:orders:live";

    @RegisterExtension
    static final RecordingLambdaEndpoint endpoint = new RecordingLambdaEndpoint();

    /** Larger than any buffer on the way (HTTP client chunks, the signer's digest buffer), not a multiple of them. */
    private static byte[] event(int size) {
        byte[] event = new byte[size];
        for (int i = 0; i < size; i++) {
            event[i] = (byte) ('a' + i % 26);
        }
        event[0] = '{';
        event[size - 1] = '}';
        return event;
    }

    private static Received sendWithTheJobsClient(byte[] event) throws Exception {
        AwsClients aws = AwsClients.standard().withEndpoint(AwsService.LAMBDA, endpoint.url());
        try (Invoker invoker = new LambdaClientFactory(FUNCTION, aws, 4, java.time.Duration.ofSeconds(10))
                .createInvoker()) {
            assertThat(invoker.invoke(event).get(20, TimeUnit.SECONDS).kind()).isEqualTo(InvokeResult.Kind.SUCCESS);
        }
        return endpoint.takeReceived();
    }

    @Test
    void theEventArrivesByteForByteAndItsSignatureVerifies() throws Exception {
        for (int size : new int[] {2, 1_000, 300_001}) {
            byte[] event = event(size);
            Received r = sendWithTheJobsClient(event);
            assertThat(r.body()).isEqualTo(event);
            assertThat(RecordingLambdaEndpoint.first(r, "Content-Length")).isEqualTo(Integer.toString(size));
            assertThat(RecordingLambdaEndpoint.first(r, "Authorization")).isEqualTo(RecordingLambdaEndpoint.resign(r));

            byte[] tampered = Arrays.copyOf(r.body(), size);
            tampered[size / 2] ^= 1;
            assertThat(RecordingLambdaEndpoint.first(r, "Authorization")).isNotEqualTo(
                    RecordingLambdaEndpoint.resign(r.withBody(tampered)));
        }
    }

    @Test
    void theHeadersAreThoseOfAPlainSdkClient() throws Exception {
        byte[] event = event(5_000);
        Received job = sendWithTheJobsClient(event);

        try (LambdaAsyncClient plain = LambdaAsyncClient.builder()
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                .region(Region.EU_WEST_3)
                .endpointOverride(URI.create(endpoint.url()))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
                .build()) {
            plain.invoke(r -> r.functionName(FUNCTION).invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromByteArray(event))).get(20,
                    TimeUnit.SECONDS);
        }
        Received reference = endpoint.takeReceived();

        assertThat(job.body()).isEqualTo(reference.body());
        assertThat(job.rawPath()).isEqualTo(reference.rawPath());
        assertThat(names(job)).isEqualTo(names(reference));
        for (String name : List.of("Content-Type", "Content-Length", "X-amz-content-sha256", "Host")) {
            assertThat(RecordingLambdaEndpoint.first(job, name)).as(name)
                    .isEqualTo(RecordingLambdaEndpoint.first(reference, name));
        }
    }

    private static Set<String> names(Received r) {
        Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        names.addAll(r.headers().keySet());
        return names;
    }
}
