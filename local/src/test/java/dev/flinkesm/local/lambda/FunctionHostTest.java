package dev.flinkesm.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.local.lambda.functions.AlwaysFails;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import dev.flinkesm.local.lambda.functions.Slow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionHostTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FunctionHost host;
    private static LambdaAsyncClient lambda;

    /** A typed handler, so the host must find {@code Map} as its input type by reflection. */
    static final class Greeter implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            return Map.of(
                    "greeting", "hello " + input.get("name"),
                    "function", context.getFunctionName(),
                    "version", context.getFunctionVersion(),
                    "hasTimeLeft", context.getRemainingTimeInMillis() > 0);
        }
    }

    static final class Shouter implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            return input.toUpperCase();
        }
    }

    static final class Rejects implements RequestHandler<Map<String, Object>, Void> {
        @Override
        public Void handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalArgumentException("bad input: " + input.keySet());
        }
    }

    /** Answers with the size of the body it read. */
    static final class CountsBytes implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            output.write(String.valueOf(input.readAllBytes().length).getBytes(StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void startHostAndClient() {
        host = FunctionHost.start(0);
        host.register("greeter", new Greeter());
        host.register("shouter", new Shouter());
        host.register("rejects", new Rejects());
        host.register("always-fails", new AlwaysFails());
        host.register("counts-bytes", new CountsBytes());
        host.register("slow", new Slow(Duration.ofMillis(100)));
        lambda = newClient();
    }

    private static LambdaAsyncClient newClient() {
        return LambdaAsyncClient.builder()
                .endpointOverride(host.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(128))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stopHostAndClient() {
        lambda.close();
        host.close();
    }

    @AfterEach
    void resetHost() {
        host.clearInvocations();
        for (String name : List.of("greeter", "shouter", "rejects", "counts-bytes", "slow", "recorder")) {
            host.faults(name).clear();
        }
        host.comeUp();
    }

    private static InvokeResponse invoke(String functionName, String payload) {
        return invoke(InvokeRequest.builder().functionName(functionName).payload(SdkBytes.fromUtf8String(payload)));
    }

    private static InvokeResponse invoke(InvokeRequest.Builder request) {
        return lambda.invoke(request.build()).join();
    }

    private static Throwable invokeFailure(String functionName, String payload) {
        return invokeFailure(lambda, functionName, payload);
    }

    private static Throwable invokeFailure(LambdaAsyncClient client, String functionName, String payload) {
        CompletableFuture<InvokeResponse> future = client.invoke(
                InvokeRequest.builder().functionName(functionName).payload(SdkBytes.fromUtf8String(payload)).build());
        try {
            future.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the invoke of " + functionName + " to fail");
    }

    private static JsonNode json(InvokeResponse response) throws IOException {
        return JSON.readTree(response.payload().asByteArray());
    }

    @Nested
    class Success {

        @Test
        void returns_the_handlers_json_and_the_executed_version() throws IOException {
            InvokeResponse response = invoke("greeter", "{\"name\":\"kafka\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.functionError()).isNull();
            assertThat(response.executedVersion()).isEqualTo("$LATEST");
            JsonNode body = json(response);
            assertThat(body.get("greeting").asText()).isEqualTo("hello kafka");
            assertThat(body.get("function").asText()).isEqualTo("greeter");
            assertThat(body.get("version").asText()).isEqualTo("$LATEST");
            assertThat(body.get("hasTimeLeft").asBoolean()).isTrue();
        }

        @Test
        void deserializes_and_serializes_plain_types_as_json() {
            InvokeResponse response = invoke("shouter", "\"quiet please\"");

            assertThat(response.payload().asUtf8String()).isEqualTo("\"QUIET PLEASE\"");
        }

        @Test
        void a_handler_returning_null_answers_json_null() {
            assertThat(invoke("slow", "{}").payload().asUtf8String()).isEqualTo("null");
        }

        @Test
        void full_arns_partial_arns_and_qualifiers_resolve_to_the_registered_name() {
            InvokeResponse fullArn = invoke("arn:aws:lambda:us-east-1:123456789012:function:greeter:live", "{}");
            InvokeResponse partialArn = invoke("123456789012:function:greeter", "{}");
            InvokeResponse nameAndQualifier = invoke("greeter:7", "{}");
            InvokeResponse qualifierParameter = invoke(InvokeRequest.builder()
                    .functionName("arn:aws:lambda:us-east-1:123456789012:function:greeter")
                    .qualifier("prod")
                    .payload(SdkBytes.fromUtf8String("{}")));

            assertThat(List.of(fullArn, partialArn, nameAndQualifier, qualifierParameter))
                    .extracting(InvokeResponse::functionError)
                    .containsOnlyNulls();
            assertThat(List.of(fullArn, partialArn, nameAndQualifier, qualifierParameter))
                    .extracting(InvokeResponse::executedVersion)
                    .containsExactly("live", "$LATEST", "7", "prod");
            assertThat(host.invocations("greeter"))
                    .extracting(Invocation::qualifier)
                    .containsExactly("live", null, "7", "prod");
        }

        @Test
        void event_invocations_get_202_and_dry_runs_get_204_without_running_the_handler() {
            host.register("recorder", new RecordingFunction());
            InvokeResponse event = invoke(InvokeRequest.builder().functionName("greeter")
                    .invocationType(InvocationType.EVENT).payload(SdkBytes.fromUtf8String("{}")));
            InvokeResponse dryRun = invoke(InvokeRequest.builder().functionName("greeter")
                    .invocationType(InvocationType.DRY_RUN).payload(SdkBytes.fromUtf8String("{}")));

            assertThat(event.statusCode()).isEqualTo(202);
            assertThat(dryRun.statusCode()).isEqualTo(204);
        }

        @Test
        void every_attempt_is_recorded_with_its_body_and_outcome() {
            host.faults("greeter").throttleNext(1);
            invokeFailure("greeter", "{\"n\":1}");
            invoke("greeter", "{\"n\":2}");

            List<Invocation> invocations = host.invocations("greeter");
            assertThat(invocations).extracting(Invocation::statusCode).containsExactly(429, 200);
            assertThat(invocations).extracting(Invocation::bodyAsString).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(invocations.get(0).arrivalNanos()).isLessThan(invocations.get(1).arrivalNanos());
            assertThat(invocations.get(1).succeeded()).isTrue();
        }
    }

    @Nested
    class FunctionErrors {

        @Test
        void a_handler_exception_is_a_200_with_an_unhandled_function_error_and_the_error_body() throws IOException {
            InvokeResponse response = invoke("rejects", "{\"id\":1}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.functionError()).isEqualTo("Unhandled");
            JsonNode error = json(response);
            assertThat(error.get("errorMessage").asText()).isEqualTo("bad input: [id]");
            assertThat(error.get("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
            assertThat(error.get("stackTrace").isArray()).isTrue();
            assertThat(error.get("stackTrace").get(0).asText()).contains("Rejects.handleRequest");
            assertThat(host.invocations("rejects")).extracting(Invocation::functionError).containsExactly("Unhandled");
        }

        @Test
        void always_fails_fails_every_time() {
            assertThat(invoke("always-fails", "{}").functionError()).isEqualTo("Unhandled");
            assertThat(invoke("always-fails", "{}").functionError()).isEqualTo("Unhandled");
        }

        @Test
        void fail_next_fails_that_many_invocations_then_lets_the_handler_run() {
            host.faults("greeter").failNext(2);

            assertThat(invoke("greeter", "{}").functionError()).isEqualTo("Unhandled");
            assertThat(invoke("greeter", "{}").functionError()).isEqualTo("Unhandled");
            assertThat(invoke("greeter", "{}").functionError()).isNull();
        }

        @Test
        void a_poison_predicate_fails_only_matching_bodies() {
            host.faults("greeter").failWhen(body -> new String(body, StandardCharsets.UTF_8).contains("poison"));

            assertThat(invoke("greeter", "{\"name\":\"poison\"}").functionError()).isEqualTo("Unhandled");
            assertThat(invoke("greeter", "{\"name\":\"fine\"}").functionError()).isNull();
        }

        @Test
        void a_function_past_its_timeout_answers_lambdas_timeout_error() throws IOException {
            host.register("too-slow", new Slow(Duration.ofSeconds(2)), Duration.ofMillis(200));
            long started = System.nanoTime();

            InvokeResponse response = invoke("too-slow", "{}");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(response.functionError()).isEqualTo("Unhandled");
            assertThat(json(response).get("errorMessage").asText()).contains("Task timed out after 0.20 seconds");
        }
    }

    @Nested
    class RequestErrors {

        @Test
        void an_unknown_function_is_a_resource_not_found_exception() {
            Throwable failure = invokeFailure("nope", "{}");

            assertThat(failure).isInstanceOf(ResourceNotFoundException.class);
            ResourceNotFoundException notFound = (ResourceNotFoundException) failure;
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(notFound.getMessage())
                    .contains("Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope");
        }

        @Test
        void a_throttle_is_a_too_many_requests_exception() {
            host.faults("greeter").throttleNext(1);

            Throwable failure = invokeFailure("greeter", "{}");

            assertThat(failure).isInstanceOf(TooManyRequestsException.class);
            TooManyRequestsException throttled = (TooManyRequestsException) failure;
            assertThat(throttled.statusCode()).isEqualTo(429);
            assertThat(throttled.isThrottlingException()).isTrue();
            assertThat(throttled.reasonAsString()).isEqualTo("ReservedFunctionConcurrentInvocationLimitExceeded");
            assertThat(invoke("greeter", "{}").functionError()).isNull();
        }

        @Test
        void an_injected_server_error_is_a_service_exception_with_status_500() {
            host.faults("greeter").serverErrorNext(1);

            Throwable failure = invokeFailure("greeter", "{}");

            assertThat(failure).isInstanceOf(ServiceException.class);
            assertThat(((ServiceException) failure).statusCode()).isEqualTo(500);
        }

        @Test
        void a_body_over_6_mb_is_a_413_request_entity_too_large_and_exactly_6_mb_is_accepted() {
            String atLimit = jsonStringOfSize(FunctionHost.MAX_REQUEST_BYTES);
            String overLimit = jsonStringOfSize(FunctionHost.MAX_REQUEST_BYTES + 1);

            assertThat(invoke("counts-bytes", atLimit).payload().asUtf8String())
                    .isEqualTo(String.valueOf(FunctionHost.MAX_REQUEST_BYTES));
            Throwable failure = invokeFailure("counts-bytes", overLimit);

            // Lambda answers 413 with error code RequestEntityTooLargeException, which the SDK does not model
            // (its RequestTooLargeException is a different code), so it arrives as the generic LambdaException.
            assertThat(failure).isInstanceOf(LambdaException.class);
            LambdaException tooLarge = (LambdaException) failure;
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.awsErrorDetails().errorCode()).isEqualTo("RequestEntityTooLargeException");
            assertThat(tooLarge.getMessage()).contains("Request must be smaller than 6291456 bytes");
            assertThat(host.invocations("counts-bytes")).extracting(Invocation::statusCode).containsExactly(200, 413);
        }

        @Test
        void a_host_that_went_down_refuses_connections_and_works_again_on_the_same_port_after_coming_up() {
            int port = host.port();
            assertThat(invoke("greeter", "{}").functionError()).isNull();

            host.goDown();
            // A fresh client: the shared one may still hold the pooled connection the host just closed, and a write
            // on it can fail with a broken pipe before the client has read the FIN. What is under test is that the
            // host accepts no new connection while down.
            Throwable failure;
            try (LambdaAsyncClient fresh = newClient()) {
                failure = invokeFailure(fresh, "greeter", "{}");
            }

            assertThat(failure).isInstanceOf(SdkClientException.class);
            assertThat(rootCause(failure)).isInstanceOf(ConnectException.class);

            host.comeUp();
            assertThat(host.port()).isEqualTo(port);
            assertThat(invoke("greeter", "{}").functionError()).isNull();
        }
    }

    @Nested
    class KafkaEvents {

        @Test
        void a_kafka_event_is_parsed_into_topics_partitions_offsets_keys_and_values() {
            RecordingFunction recorder = new RecordingFunction();
            host.register("recorder", recorder);
            String event = """
                    {"eventSource":"SelfManagedKafka","bootstrapServers":"127.0.0.1:9092",
                     "records":{
                       "orders-0":[
                         {"topic":"orders","partition":0,"offset":15,"timestamp":1545084650987,
                          "timestampType":"CREATE_TIME","key":"a2V5","value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
                          "headers":[{"headerKey":[104,101,97,100,101,114,86,97,108,117,101]}]},
                         {"topic":"orders","partition":0,"offset":16,"timestamp":1545084650988,
                          "timestampType":"CREATE_TIME","value":"c2Vjb25k","headers":[]}],
                       "orders-2":[
                         {"topic":"orders","partition":2,"offset":7,"timestamp":1545084650989,
                          "timestampType":"LOG_APPEND_TIME","key":"aw==","value":"dGhpcmQ=","headers":[]}]}}
                    """;

            InvokeResponse response = invoke("recorder", event);

            assertThat(response.functionError()).isNull();
            assertThat(recorder.invocationCount()).isEqualTo(1);
            assertThat(recorder.offsetsByPartition())
                    .containsExactly(Map.entry("orders-0", List.of(15L, 16L)), Map.entry("orders-2", List.of(7L)));
            List<RecordingFunction.Delivered> delivered = recorder.delivered();
            assertThat(delivered).extracting(RecordingFunction.Delivered::keyAsString)
                    .containsExactly("key", null, "k");
            assertThat(delivered).extracting(RecordingFunction.Delivered::valueAsString)
                    .containsExactly("Hello, this is a test.", "second", "third");
            assertThat(delivered).extracting(RecordingFunction.Delivered::invocation).containsOnly(1);
        }
    }

    @Nested
    class Concurrency {

        /** Waits until {@code expected} invocations are inside it at once (or gives up): proves overlap, not speed. */
        static final class Rendezvous implements RequestStreamHandler {
            final java.util.concurrent.CountDownLatch arrived;
            final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            final java.util.concurrent.atomic.AtomicInteger mostInside = new java.util.concurrent.atomic.AtomicInteger();

            Rendezvous(int expected) {
                arrived = new java.util.concurrent.CountDownLatch(expected);
            }

            @Override
            public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                arrived.countDown();
                try {
                    arrived.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inside.decrementAndGet();
                }
                output.write("{}".getBytes(StandardCharsets.UTF_8));
            }
        }

        @Test
        void sixty_four_invocations_run_at_the_same_time() {
            Rendezvous rendezvous = new Rendezvous(64);
            host.register("rendezvous", rendezvous);

            List<CompletableFuture<InvokeResponse>> calls = IntStream.range(0, 64)
                    .mapToObj(i -> lambda.invoke(InvokeRequest.builder()
                            .functionName("rendezvous").payload(SdkBytes.fromUtf8String("{\"i\":" + i + "}")).build()))
                    .toList();
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();

            // Run one after another, no invocation would ever see another inside: all 64 must have met.
            assertThat(rendezvous.mostInside.get()).isEqualTo(64);
            assertThat(calls).extracting(call -> call.join().functionError()).containsOnlyNulls();
        }
    }

    private static String jsonStringOfSize(int bytes) {
        char[] filler = new char[bytes - 2];
        Arrays.fill(filler, 'a');
        return "\"" + new String(filler) + "\"";
    }

    private static Throwable rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
