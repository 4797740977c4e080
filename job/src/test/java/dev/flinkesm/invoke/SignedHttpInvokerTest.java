package dev.flinkesm.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.delivery.Invoker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * The signed-HTTP invoker against a local endpoint that records what arrived on the wire: the request verifies under
 * SigV4 as received, and each kind of answer becomes the result {@link LambdaInvoker} gives for it.
 */
class SignedHttpInvokerTest {
    private static final byte[] EVENT = "{\"eventSource\":\"SelfManagedKafka\",\"records\":{}}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String FUNCTION = "arn:aws:lambda:eu-west-3:123456789012:function:orders:live";

    private static HttpServer server;
    private static final AtomicReference<Received> received = new AtomicReference<>();
    private static final AtomicReference<Answer> answer = new AtomicReference<>();

    record Received(String method, String rawPath, Map<String, List<String>> headers, byte[] body) {}

    interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.set(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            answer.get().send(exchange);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @AfterEach
    void clear() {
        received.set(null);
    }

    private static Invoker invoker(String endpoint, Duration timeout) {
        AwsClients aws = AwsClients.standard().withEndpoint(AwsService.LAMBDA, endpoint);
        return new LambdaClientFactory(FUNCTION, aws, 4, timeout, InvokerKind.SIGNED_HTTP).createInvoker();
    }

    private static Invoker invoker() {
        return invoker("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(10));
    }

    private static void answer(int status, Map<String, String> headers, String body) {
        answer.set(exchange -> {
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

        Received r = received.get();
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
        Received r = received.get();
        byte[] tampered = Arrays.copyOf(r.body(), r.body().length);
        tampered[0] = ' ';
        Received changed = new Received(r.method(), r.rawPath(), r.headers(), tampered);
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
        answer.set(exchange -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
        });
        try (Invoker slow = invoker("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofMillis(300))) {
            InvokeResult result = slow.invoke(EVENT).get(20, TimeUnit.SECONDS);
            assertThat(result.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
            assertThat(result.errorCode()).isEqualTo("ApiCallTimeoutException");
        } finally {
            release.countDown();
        }
    }

    static String first(Received r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().get(0))
                .findFirst()
                .orElse(null);
    }

    /** Signs again, with the SDK's signer and the request's own date, exactly the headers it says it signed. */
    static String resign(Received r) {
        String authorization = first(r, "Authorization");
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+).*", "$1");
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(r.method()))
                .uri(URI.create("http://" + first(r, "Host")))
                .encodedPath(r.rawPath());
        for (String name : signedHeaders.split(";")) {
            request.putHeader(name, first(r, name));
        }
        ZonedDateTime date = ZonedDateTime.parse(first(r, "X-Amz-Date"),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"));
        return AwsV4HttpSigner.create()
                .sign(s -> s.identity(AwsBasicCredentials.create("AKIDEXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromByteArrayUnsafe(r.body()))
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(date.toInstant(), ZoneOffset.UTC))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "lambda")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-3"))
                .request()
                .firstMatchingHeader("Authorization")
                .orElseThrow();
    }
}
