package dev.flinkesm.invoke;

import static dev.flinkesm.invoke.RecordingLambdaEndpoint.first;
import static dev.flinkesm.invoke.RecordingLambdaEndpoint.resign;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.delivery.Invoker;
import dev.flinkesm.invoke.RecordingLambdaEndpoint.Received;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The signed-HTTP invoker against a local endpoint that records what arrived on the wire: the request verifies under
 * SigV4 as received, and each kind of answer becomes the result {@link LambdaInvoker} gives for it.
 */
class SignedHttpInvokerTest {
    private static final byte[] EVENT = "{\"eventSource\":\"SelfManagedKafka\",\"records\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String FUNCTION = "arn:aws:lambda:eu-west-3:123456789012:function:orders:live";

    @RegisterExtension
    static final RecordingLambdaEndpoint endpoint = new RecordingLambdaEndpoint();

    private static Invoker invoker(String endpoint, Duration timeout) {
        AwsClients aws = AwsClients.standard().withEndpoint(AwsService.LAMBDA, endpoint);
        return new LambdaClientFactory(FUNCTION, aws, 4, timeout, InvokerKind.SIGNED_HTTP).createInvoker();
    }

    private static Invoker invoker() {
        return invoker(endpoint.url(), Duration.ofSeconds(10));
    }

    private static void answer(int status, Map<String, String> headers, String body) {
        endpoint.answer(exchange -> {
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        });
    }

    private static InvokeResult invokeOnce() throws Exception {
        try (Invoker invoker = invoker()) {
            return invoker.invoke(EVENT).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theRequestAsReceivedVerifiesUnderSigV4InTheArnsRegion() throws Exception {
        answer(200, Map.of("X-Amz-Executed-Version", "7"), "{\"batchItemFailures\":[]}");
        InvokeResult result = invokeOnce();
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.SUCCESS);
        assertThat(result.executedVersion()).isEqualTo("7");
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).isEqualTo("{\"batchItemFailures\":[]}");

        Received r = endpoint.takeReceived();
        assertThat(r.method()).isEqualTo("POST");
        // The SDK's encoding of the function name in the path: the ARN's colons are %3A.
        assertThat(r.rawPath()).isEqualTo("/2015-03-31/functions/"
                + "arn%3Aaws%3Alambda%3Aeu-west-3%3A123456789012%3Afunction%3Aorders%3Alive/invocations");
        assertThat(r.body()).isEqualTo(EVENT);
        assertThat(first(r, "X-amz-invocation-type")).isEqualTo("RequestResponse");
        assertThat(first(r, "User-agent")).contains(AwsClients.USER_AGENT);
        String authorization = first(r, "Authorization");
        assertThat(authorization).contains("/eu-west-3/lambda/aws4_request").contains("SignedHeaders=")
                .contains("host");
        assertThat(authorization).isEqualTo(resign(r));
    }

    @Test
    void aTamperedBodyWouldNotVerify() throws Exception {
        answer(200, Map.of(), "{}");
        invokeOnce();
        Received r = endpoint.takeReceived();
        byte[] tampered = Arrays.copyOf(r.body(), r.body().length);
        tampered[0] = ' ';
        Received changed = r.withBody(tampered);
        // The check above would catch a signature over anything but the bytes sent.
        assertThat(first(r, "Authorization")).isNotEqualTo(resign(changed));
    }

    @Test
    void theFunctionErrorHeaderMakesAFunctionError() throws Exception {
        answer(200, Map.of("X-Amz-Function-Error", "Unhandled"), "{\"errorMessage\":\"boom\"}");
        InvokeResult result = invokeOnce();
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.FUNCTION_ERROR);
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(result.statusCode()).isEqualTo(200);
    }

    @Test
    void theErrorTypeHeaderNamesTheCodeAsTheSdkReadsIt() throws Exception {
        answer(429, Map.of("x-amzn-ErrorType", "TooManyRequestsException:http://internal.amazon.com/coral/"),
                "{\"Type\":\"User\",\"message\":\"Rate Exceeded.\",\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\"}");
        InvokeResult result = invokeOnce();
        assertThat(result.kind()).isEqualTo(InvokeResult.Kind.REQUEST_FAILURE);
        assertThat(result.statusCode()).isEqualTo(429);
        assertThat(result.errorCode()).isEqualTo("TooManyRequestsException");
        assertThat(result.message()).isEqualTo("Rate Exceeded.");
    }

    @Test
    void withoutTheHeaderTheBodysTypeNamesTheCode() throws Exception {
        answer(404, Map.of(), "{\"__type\":\"com.amazon#ResourceNotFoundException\",\"Message\":\"Function not found\"}");
        InvokeResult result = invokeOnce();
        assertThat(result.errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(result.message()).isEqualTo("Function not found");
    }

    @Test
    void anUnidentifiedErrorIsALambdaExceptionWithItsStatus() throws Exception {
        answer(502, Map.of(), "<html>bad gateway</html>");
        InvokeResult result = invokeOnce();
        assertThat(result.statusCode()).isEqualTo(502);
        assertThat(result.errorCode()).isEqualTo("LambdaException");
    }

    @Test
    void aRefusedConnectionIsAFailureWithoutResponse() throws Exception {
        try (Invoker nowhere = invoker("http://127.0.0.1:1", Duration.ofSeconds(10))) {
            InvokeResult result = nowhere.invoke(EVENT).get(20, TimeUnit.SECONDS);
            assertThat(result.kind()).isEqualTo(InvokeResult.Kind.REQUEST_FAILURE);
            assertThat(result.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
            assertThat(result.errorCode()).isEqualTo("SdkClientException");
        }
    }

    @Test
    void noAnswerWithinTheInvokeTimeoutIsAnApiCallTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        endpoint.answer(exchange -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
        });
        try (Invoker slow = invoker(endpoint.url(), Duration.ofMillis(300))) {
            InvokeResult result = slow.invoke(EVENT).get(20, TimeUnit.SECONDS);
            assertThat(result.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
            assertThat(result.errorCode()).isEqualTo("ApiCallTimeoutException");
        } finally {
            release.countDown();
        }
    }
}
