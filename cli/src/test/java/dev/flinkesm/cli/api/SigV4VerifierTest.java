package dev.flinkesm.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.cli.api.ApiError.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** Requests signed by the SDK's signer, as a client signs them, checked by the server's verifier. */
class SigV4VerifierTest {
    private static final Instant NOW = Instant.parse("2026-12-01T22:00:00Z");
    private static final AccessKeys KEYS = AccessKeys.parse(
            "[{\"AccessKeyId\":\"AKIDOPERATOR\",\"SecretAccessKey\":\"operator-secret\"}]", "test");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(KEYS, Clock.fixed(NOW, ZoneOffset.UTC), "lambda");

    private static final String BODY = "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"BatchSize\":10}";

    /** Signs like a client: the SDK's signer over host, x-amz-date, content-type and whatever else is set. */
    private static ReceivedRequest signed(String method, String path, Map<String, String> query, String body,
            String keyId, String secret, Instant at) {
        SdkHttpFullRequest.Builder b = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method)).protocol("http").host("localhost").port(8123)
                .encodedPath(path)
                .putHeader("Content-Type", "application/json")
                .putHeader("amz-sdk-invocation-id", "a7b6c5");
        query.forEach(b::putRawQueryParameter);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(keyId, secret))
                .request(b.build())
                .payload(ContentStreamProvider.fromByteArray(bytes))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-west-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "lambda")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        Map<String, List<String>> headers = new HashMap<>(signed.request().headers());
        headers.putIfAbsent("Host", List.of("localhost:8123"));
        return new ReceivedRequest(method, signed.request().encodedPath(),
                signed.request().encodedQueryParameters().orElse(""), headers, bytes);
    }

    private static ReceivedRequest signedByOperator() {
        return signed("POST", "/2015-03-31/event-source-mappings/", Map.of(), BODY, "AKIDOPERATOR",
                "operator-secret", NOW);
    }

    private static ReceivedRequest withBody(ReceivedRequest r, String body) {
        return new ReceivedRequest(r.method(), r.rawPath(), r.rawQuery(), r.headers(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private static ReceivedRequest withHeader(ReceivedRequest r, String name, String value) {
        Map<String, List<String>> h = new HashMap<>(r.headers());
        h.remove(name);
        h.put(name, List.of(value));
        return new ReceivedRequest(r.method(), r.rawPath(), r.rawQuery(), h, r.body());
    }

    private static void assertRefused(ReceivedRequest r, String type, String messageStart) {
        assertThatThrownBy(() -> VERIFIER.verify(r))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().type()).isEqualTo(type);
                    assertThat(e.error().status()).isEqualTo(403);
                    assertThat(e.error().message()).startsWith(messageStart);
                });
    }

    @Nested
    class Accepts {
        @Test
        void aPostSignedWithAConfiguredKey() {
            assertThat(VERIFIER.verify(signedByOperator())).isEqualTo("AKIDOPERATOR");
        }

        @Test
        void aGetWithQueryParametersThatNeedEncoding() {
            ReceivedRequest r = signed("GET", "/2015-03-31/event-source-mappings/",
                    Map.of("FunctionName", "arn:aws:lambda:eu-west-1:123456789012:function:my fn+1",
                            "MaxItems", "2"), "", "AKIDOPERATOR", "operator-secret", NOW);
            assertThat(r.rawQuery()).contains("%3A");
            assertThat(VERIFIER.verify(r)).isEqualTo("AKIDOPERATOR");
        }

        @Test
        void aRequestSignedFourMinutesAgo() {
            ReceivedRequest r = signed("DELETE", "/2015-03-31/event-source-mappings/6a2b7e84-0c8a-4a5c-9f1e-"
                    + "2d3c4b5a6978", Map.of(), "", "AKIDOPERATOR", "operator-secret",
                    NOW.minus(Duration.ofMinutes(4)));
            assertThat(VERIFIER.verify(r)).isEqualTo("AKIDOPERATOR");
        }
    }

    /** Requests exactly as Debian's AWS CLI v2 2.9.19 (botocore) sent them, key AK / secret sk. */
    @Nested
    class SignedByBotocore {
        private ReceivedRequest captured(String method, String pathAndQuery, String amzDate, String signedHeaders,
                String signature, String body) {
            Map<String, List<String>> h = new HashMap<>();
            h.put("Host", List.of("127.0.0.1:18765"));
            h.put("Accept-Encoding", List.of("identity"));
            h.put("User-Agent", List.of("aws-cli/2.9.19 Python/3.11.2 Linux source/x86_64.debian.12 prompt/off"));
            h.put("X-Amz-Date", List.of(amzDate));
            if (!body.isEmpty()) {
                h.put("Content-Type", List.of("application/json"));
                h.put("Content-Length", List.of(String.valueOf(body.length())));
            }
            h.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=AK/20261201/us-east-1/lambda/aws4_request, "
                    + "SignedHeaders=" + signedHeaders + ", Signature=" + signature));
            int q = pathAndQuery.indexOf('?');
            return new ReceivedRequest(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                    q < 0 ? "" : pathAndQuery.substring(q + 1), h, body.getBytes(StandardCharsets.UTF_8));
        }

        private String verifyAt(ReceivedRequest r, String when) {
            return new SigV4Verifier(AccessKeys.parse("[{\"AccessKeyId\":\"AK\",\"SecretAccessKey\":\"sk\"}]", "t"),
                    Clock.fixed(Instant.parse(when), ZoneOffset.UTC), "lambda").verify(r);
        }

        @Test
        void aCreateWithItsJsonBody() {
            ReceivedRequest r = captured("POST", "/2015-03-31/event-source-mappings/", "20261201T224257Z",
                    "content-type;host;x-amz-date",
                    "b4a149d2a37138a7a4100ddfc05851b9e09d201baf22e8800eb26c2bb2bd5eb8",
                    "{\"FunctionName\": \"f\", \"Topics\": [\"t\"], \"StartingPosition\": \"LATEST\", "
                            + "\"BatchSize\": 10, \"SelfManagedEventSource\": {\"Endpoints\": "
                            + "{\"KAFKA_BOOTSTRAP_SERVERS\": [\"k1:9092\"]}}}");
            assertThat(verifyAt(r, "2026-12-01T22:43:00Z")).isEqualTo("AK");
        }

        @Test
        void aListWithAnEncodedFunctionArn() {
            ReceivedRequest r = captured("GET", "/2015-03-31/event-source-mappings/?FunctionName=arn%3Aaws%3Alambda"
                    + "%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn", "20261201T224259Z", "host;x-amz-date",
                    "acec88febe9af5e5f5367d3ff79f2bdac302924c7f40afdda32c01d9afc833fd", "");
            assertThat(verifyAt(r, "2026-12-01T22:43:00Z")).isEqualTo("AK");
        }
    }

    @Nested
    class Refuses {
        @Test
        void anUnsignedRequest() {
            ReceivedRequest r = new ReceivedRequest("GET", "/2015-03-31/event-source-mappings/", "",
                    Map.of("Host", List.of("localhost:8123")), new byte[0]);
            assertRefused(r, "UnrecognizedClientException", "Missing Authentication Token");
        }

        @Test
        void anUnknownAccessKey() {
            ReceivedRequest r = signed("POST", "/2015-03-31/event-source-mappings/", Map.of(), BODY, "AKIDSTRANGER",
                    "operator-secret", NOW);
            assertRefused(r, "UnrecognizedClientException", "The security token included in the request is invalid");
        }

        @Test
        void aSignatureMadeWithAnotherSecret() {
            ReceivedRequest r = signed("POST", "/2015-03-31/event-source-mappings/", Map.of(), BODY, "AKIDOPERATOR",
                    "guessed-secret", NOW);
            assertRefused(r, "InvalidSignatureException", "The request signature we calculated does not match");
        }

        @Test
        void aBodyChangedAfterSigning() {
            assertRefused(withBody(signedByOperator(), BODY.replace("10", "10000")), "InvalidSignatureException",
                    "The request signature we calculated does not match");
        }

        @Test
        void aSignedHeaderChangedAfterSigning() {
            assertRefused(withHeader(signedByOperator(), "amz-sdk-invocation-id", "other"),
                    "InvalidSignatureException", "The request signature we calculated does not match");
        }

        @Test
        void aRequestSignedMoreThanFiveMinutesAgo() {
            ReceivedRequest r = signed("POST", "/2015-03-31/event-source-mappings/", Map.of(), BODY, "AKIDOPERATOR",
                    "operator-secret", NOW.minus(Duration.ofMinutes(5)).minusSeconds(1));
            assertRefused(r, "InvalidSignatureException",
                    "Signature expired: 20261201T215459Z is now earlier than 20261201T215500Z");
        }

        @Test
        void aRequestSignedMoreThanFiveMinutesAhead() {
            ReceivedRequest r = signed("POST", "/2015-03-31/event-source-mappings/", Map.of(), BODY, "AKIDOPERATOR",
                    "operator-secret", NOW.plus(Duration.ofMinutes(6)));
            assertRefused(r, "InvalidSignatureException", "Signature not yet current");
        }

        @Test
        void aSignatureScopedToAnotherService() {
            ReceivedRequest ok = signedByOperator();
            String auth = ok.header("Authorization").orElseThrow().replace("/lambda/", "/s3/");
            assertRefused(withHeader(ok, "Authorization", auth), "InvalidSignatureException",
                    "Credential should be scoped to correct service");
        }

        @Test
        void aMalformedAuthorizationHeader() {
            assertRefused(withHeader(signedByOperator(), "Authorization", "Bearer abc"), "InvalidSignatureException",
                    "Authorization header is not an AWS4-HMAC-SHA256 signature");
        }
    }

    @Test
    void accessKeysNeverShowTheirSecrets() {
        assertThat(KEYS.toString()).doesNotContain("operator-secret").contains("1 keys");
        assertThatThrownBy(() -> AccessKeys.parse("[{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s3cr3t\"", "env X"))
                .hasMessageNotContaining("s3cr3t").hasMessageStartingWith("env X is not JSON");
    }
}
