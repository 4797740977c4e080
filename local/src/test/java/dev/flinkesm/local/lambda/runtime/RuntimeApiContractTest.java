package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.local.lambda.FunctionHost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Runtime API and process management, with AWS's real runtime interface clients (Java from Maven Central,
 * Node.js from npm) run as processes and the real SDK client invoking: every runtime gets the same tests.
 */
class RuntimeApiContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class JavaRuntimeInterfaceClient extends Contract {
        @Override
        FunctionSpec spec(String name, Path dir) {
            return FunctionSpec.parse(name + "=java:dev.flinkesm.local.lambda.runtime.fn.Behave::handleRequest",
                    TestCode.java(dir.resolve(name)), dir.resolve("logs"));
        }

        @Override
        String missingHandler() {
            return "dev.flinkesm.local.lambda.runtime.fn.Missing::handleRequest";
        }

        @Override
        String thrownErrorType() {
            return "java.lang.IllegalStateException";
        }

        @Override
        String traceField() {
            return "stackTrace";
        }

        @Test
        void aHandlerShippedAsAJarRuns() throws Exception {
            Path jar = TestCode.javaJar(dir.resolve("jarred"));
            register(FunctionSpec.parse("jarred=java:dev.flinkesm.local.lambda.runtime.fn.Behave::handleRequest",
                    jar, dir.resolve("logs")));
            JsonNode answer = body(invoke("jarred", "{\"do\":\"echo\",\"n\":7}"));
            assertThat(answer.path("input").path("n").asInt()).isEqualTo(7);
            assertThat(answer.path("handlerEnv").asText())
                    .isEqualTo("dev.flinkesm.local.lambda.runtime.fn.Behave::handleRequest");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NodeRuntimeInterfaceClient extends Contract {
        @Override
        FunctionSpec spec(String name, Path dir) {
            return FunctionSpec.parse(name + "=nodejs:index.handler",
                    TestCode.node(dir.resolve(name), clients), dir.resolve("logs"));
        }

        @Override
        String missingHandler() {
            return "missing.handler";
        }

        @Override
        String thrownErrorType() {
            return "TypeError";
        }

        @Override
        String traceField() {
            return "trace";
        }
    }

    abstract static class Contract {
        final RuntimeClients clients = RuntimeClients.fromSystemProperties();
        FunctionHost host;
        LambdaAsyncClient lambda;
        @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed test leaves its code and logs
        Path dir;

        abstract FunctionSpec spec(String name, Path dir);

        abstract String missingHandler();

        abstract String thrownErrorType();

        /** Where the runtime puts the stack: {@code stackTrace} (Java, Python), {@code trace} (Node.js). */
        abstract String traceField();

        @BeforeAll
        void startHostAndClient() {
            host = FunctionHost.start(0);
            lambda = client(host);
        }

        static LambdaAsyncClient client(FunctionHost host) {
            return LambdaAsyncClient.builder()
                    .endpointOverride(host.endpoint())
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(16))
                    .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(Duration.ofSeconds(60)))
                    .build();
        }

        @AfterAll
        void stopHostAndClient() {
            lambda.close();
            host.close();
        }

        ProcessFunction register(FunctionSpec spec) {
            host.register(spec, clients);
            return host.processFunction(spec.name());
        }

        CompletableFuture<InvokeResponse> invokeAsync(String function, String payload) {
            return lambda.invoke(InvokeRequest.builder().functionName(function)
                    .payload(SdkBytes.fromUtf8String(payload)).build());
        }

        InvokeResponse invoke(String function, String payload) {
            return invokeAsync(function, payload).join();
        }

        static JsonNode body(InvokeResponse response) throws Exception {
            return JSON.readTree(response.payload().asByteArray());
        }

        @Test
        void aHandlerGetsLambdasEnvironmentAndContextAndItsProcessIsReusedWarm() throws Exception {
            ProcessFunction function = register(spec("echo", dir).withEnvironment("GREETING", "hello")
                    .withTimeout(Duration.ofSeconds(30)));
            JsonNode first = body(invoke("echo", "{\"do\":\"echo\",\"n\":1}"));
            JsonNode second = body(invoke("echo:live", "{\"do\":\"echo\",\"n\":2}"));

            assertThat(first.path("input").path("n").asInt()).isEqualTo(1);
            assertThat(second.path("input").path("n").asInt()).isEqualTo(2);
            assertThat(first.path("functionName").asText()).isEqualTo("echo");
            assertThat(first.path("invokedArn").asText()).isEqualTo(FunctionHost.functionArn("echo"));
            assertThat(second.path("invokedArn").asText()).isEqualTo(FunctionHost.functionArn("echo") + ":live");
            assertThat(first.path("memory").asInt()).isEqualTo(FunctionSpec.DEFAULT_MEMORY_MB);
            assertThat(first.path("remainingMs").asLong()).isBetween(20_000L, 30_000L);
            assertThat(first.path("logGroup").asText()).isEqualTo("/aws/lambda/echo");
            assertThat(first.path("region").asText()).isEqualTo(FunctionHost.REGION);
            assertThat(first.path("own").asText()).isEqualTo("hello");
            assertThat(second.path("pid").asLong()).as("warm start: the same process")
                    .isEqualTo(first.path("pid").asLong());
            assertThat(function.processesStarted()).hasSize(1);
            assertThat(function.processesStarted().get(0).pid()).isEqualTo(first.path("pid").asLong());
            String log = Files.readString(function.spec().logFile());
            assertThat(log).as("the function's stdout in its log file").contains("echo for request ");
            assertThat(log).as("Lambda's START, END and REPORT lines")
                    .containsPattern("START RequestId: [0-9a-f-]{36} Version: \\$LATEST")
                    .containsPattern("END RequestId: [0-9a-f-]{36}")
                    .containsPattern("REPORT RequestId: [0-9a-f-]{36}\tDuration: [0-9.]+ ms");
        }

        @Test
        void aThrowingHandlerIsAnUnhandledFunctionErrorWithLambdasErrorJson() throws Exception {
            register(spec("thrower", dir));
            InvokeResponse response = invoke("thrower", "{\"do\":\"fail\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.functionError()).isEqualTo("Unhandled");
            JsonNode error = body(response);
            assertThat(error.path("errorType").asText()).isEqualTo(thrownErrorType());
            assertThat(error.path("errorMessage").asText()).isEqualTo("asked to fail");
            assertThat(error.path(traceField()).isArray()).as(error.toString()).isTrue();
        }

        @Test
        void aSlowHandlerTimesOutWithLambdasMessageAndItsProcessIsStoppedAndReplaced() throws Exception {
            ProcessFunction function = register(spec("sleeper", dir).withTimeout(Duration.ofSeconds(1)));
            body(invoke("sleeper", "{\"do\":\"echo\"}")); // warm, so the timeout measures the handler only
            ProcessHandle warm = function.processesStarted().get(0);

            InvokeResponse response = invoke("sleeper", "{\"do\":\"sleep\",\"ms\":20000}");

            assertThat(response.functionError()).isEqualTo("Unhandled");
            JsonNode error = body(response);
            assertThat(error.path("errorType").asText()).isEqualTo("Sandbox.Timedout");
            assertThat(error.path("errorMessage").asText())
                    .matches("RequestId: [0-9a-f-]{36} Error: Task timed out after 1\\.00 seconds");
            awaitExit(List.of(warm));
            assertThat(warm.isAlive()).isFalse();
            JsonNode after = body(invoke("sleeper", "{\"do\":\"echo\"}"));
            assertThat(after.path("pid").asLong()).as("a new process").isNotEqualTo(warm.pid());
            assertThat(function.processesStarted()).hasSize(2);
        }

        @Test
        void aProcessThatExitsDuringAnInvocationIsRuntimeExitError() throws Exception {
            ProcessFunction function = register(spec("crasher", dir));
            InvokeResponse response = invoke("crasher", "{\"do\":\"exit\"}");

            assertThat(response.functionError()).isEqualTo("Unhandled");
            JsonNode error = body(response);
            assertThat(error.path("errorType").asText()).isEqualTo("Runtime.ExitError");
            assertThat(error.path("errorMessage").asText())
                    .matches("RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3");
            assertThat(function.processesStarted().get(0).isAlive()).isFalse();
        }

        @Test
        void aHandlerThatCannotBeLoadedIsAnUnhandledErrorNamingIt() throws Exception {
            FunctionSpec good = spec("broken", dir);
            ProcessFunction function = register(new FunctionSpec(good.name(), good.runtime(), missingHandler(),
                    good.code(), good.timeout(), 1, good.memoryMb(), good.environment(), good.logDir()));
            InvokeResponse response = invoke("broken", "{\"do\":\"echo\"}");

            assertThat(response.functionError()).isEqualTo("Unhandled");
            JsonNode error = body(response);
            assertThat(error.path("errorType").asText()).as(error.toString()).isNotEmpty()
                    .isNotEqualTo("Runtime.ExitError");
            assertThat(error.path("errorMessage").asText()).as(error.toString()).containsIgnoringCase("missing");
            assertThat(function.processesStarted()).hasSize(1);
        }

        @Test
        void invocationsBeyondTheConcurrencyAreThrottledAndAllProcessesStopAtClose() throws Exception {
            ProcessFunction function = register(spec("busy", dir).withConcurrency(2));
            List<CompletableFuture<InvokeResponse>> busy = List.of(
                    invokeAsync("busy", "{\"do\":\"sleep\",\"ms\":3000}"),
                    invokeAsync("busy", "{\"do\":\"sleep\",\"ms\":3000}"));
            awaitEnvironments(function, 2);

            assertThatThrownBy(() -> invoke("busy", "{\"do\":\"echo\"}"))
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(TooManyRequestsException.class)
                    .hasMessageContaining("Rate Exceeded");
            for (CompletableFuture<InvokeResponse> f : busy) {
                assertThat(f.join().functionError()).as(f.join().payload().asUtf8String()).isNull();
            }
            assertThat(function.processesStarted()).hasSize(2);

            host.register(spec("busy", dir.resolve("again")), clients); // replacing a function stops its processes
            awaitExit(function.processesStarted());
            assertThat(function.processesStarted()).noneMatch(ProcessHandle::isAlive);
        }

        @Test
        void closingTheHostStopsEveryProcessItStarted() throws Exception {
            ProcessFunction function;
            try (FunctionHost own = FunctionHost.start(0); LambdaAsyncClient ownClient = client(own)) {
                own.register(spec("closing", dir).withConcurrency(2), clients);
                function = own.processFunction("closing");
                CompletableFuture<InvokeResponse> a = ownClient.invoke(InvokeRequest.builder().functionName("closing")
                        .payload(SdkBytes.fromUtf8String("{\"do\":\"sleep\",\"ms\":300}")).build());
                CompletableFuture<InvokeResponse> b = ownClient.invoke(InvokeRequest.builder().functionName("closing")
                        .payload(SdkBytes.fromUtf8String("{\"do\":\"sleep\",\"ms\":300}")).build());
                assertThat(a.join().functionError()).isNull();
                assertThat(b.join().functionError()).isNull();
                assertThat(function.processesStarted()).hasSize(2).allMatch(ProcessHandle::isAlive);
            }
            awaitExit(function.processesStarted());
            assertThat(function.processesStarted()).noneMatch(ProcessHandle::isAlive);
        }

        /** Fails (rather than hangs) when a process outlives what should have stopped it. */
        private static void awaitExit(List<ProcessHandle> processes) throws Exception {
            for (ProcessHandle p : processes) {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        private static void awaitEnvironments(ProcessFunction function, int n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (function.environments() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(function.environments()).isEqualTo(n);
        }
    }
}
