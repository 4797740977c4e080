package dev.flinkesm.invoke;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * A local HTTP endpoint that records the last request exactly as it arrived on the wire and answers as told (by
 * default 200 with {@code {}}), with the test credentials set for the SDK's chain, and a SigV4 re-signer to check what
 * arrived: for the tests of what the invokers send. A JUnit extension ({@code @RegisterExtension static}): it starts
 * before the class's tests, forgets the last request after each, and stops after all.
 */
final class RecordingLambdaEndpoint implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    record Received(String method, String rawPath, Map<String, List<String>> headers, byte[] body) {
        Received withBody(byte[] other) {
            return new Received(method, rawPath, headers, other);
        }
    }

    interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    private HttpServer server;
    private final AtomicReference<Received> received = new AtomicReference<>();
    private final AtomicReference<Answer> answer = new AtomicReference<>(exchange -> {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    });

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.set(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes()));
            answer.get().send(exchange);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(Answer next) {
        answer.set(next);
    }

    /** The last request, or null; forgotten, so the next call sees only a newer one. */
    Received takeReceived() {
        return received.getAndSet(null);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        received.set(null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.stop(0);
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
                .sign(s -> s.identity(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY))
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
