package dev.flinkesm.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.invoke.LambdaInvoker;
import dev.flinkesm.local.lambda.functions.AlwaysFails;
import dev.flinkesm.local.lambda.functions.CountRecords;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The job's invoker, built by its own client factory (real SDK client), against the local function host. */
class LambdaInvokerAgainstHostTest {
    private static FunctionHost host;

    @BeforeAll
    static void start() {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        host = FunctionHost.start(0);
        host.register("quick", new CountRecords());
        host.register("fails", new AlwaysFails());
        host.register("long-timeout", new CountRecords(), Duration.ofMinutes(15));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static LambdaInvoker invoker(String function) {
        return invoker(function, HttpClientKind.CRT);
    }

    private static LambdaInvoker invoker(String function, HttpClientKind http) {
        return new LambdaClientFactory(function, host.endpoint().toString(), 8, Duration.ofSeconds(10), http)
                .createInvoker();
    }

    private static final byte[] EVENT =
            "{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":\"b:9092\",\"records\":{}}".getBytes();

    @ParameterizedTest
    @EnumSource(HttpClientKind.class)
    void eachKindOfAnswerBecomesItsResultWithEitherHttpClient(HttpClientKind http)
            throws Exception {
        try (LambdaInvoker quick = invoker("quick", http); LambdaInvoker fails = invoker("fails", http);
                LambdaInvoker missing = invoker("missing", http)) {
            assertThat(quick.invoke(EVENT).get().kind()).isEqualTo(InvokeResult.Kind.SUCCESS);
            InvokeResult error = fails.invoke(EVENT).get();
            assertThat(error.kind()).isEqualTo(InvokeResult.Kind.FUNCTION_ERROR);
            assertThat(error.functionError()).isEqualTo("Unhandled");
            InvokeResult notFound = missing.invoke(EVENT).get();
            assertThat(notFound.statusCode()).isEqualTo(404);
            assertThat(notFound.errorCode()).isEqualTo("ResourceNotFoundException");
        }
    }

    @ParameterizedTest
    @EnumSource(HttpClientKind.class)
    void aRefusedConnectionIsAFailureWithoutResponse(HttpClientKind http) throws Exception {
        try (LambdaInvoker nowhere = new LambdaClientFactory("quick", "http://127.0.0.1:1", 8, Duration.ofSeconds(10),
                http).createInvoker()) {
            InvokeResult refused = nowhere.invoke(EVENT).get();
            assertThat(refused.kind()).isEqualTo(InvokeResult.Kind.REQUEST_FAILURE);
            assertThat(refused.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
        }
    }

    @Test
    void throttlingAndServerErrorsKeepTheirStatus() throws Exception {
        host.faults("quick").throttleNext(1).serverErrorNext(1);
        try (LambdaInvoker quick = invoker("quick")) {
            InvokeResult first = quick.invoke(EVENT).get();
            InvokeResult second = quick.invoke(EVENT).get();
            assertThat(java.util.List.of(first.statusCode(), second.statusCode())).containsExactlyInAnyOrder(429, 500);
        } finally {
            host.faults("quick").clear();
        }
    }

    @Test
    void theConfiguredTimeoutIsReadAndOverFourteenMinutesIsTooLong() throws Exception {
        try (LambdaInvoker tooLong = invoker("long-timeout"); LambdaInvoker quick = invoker("quick");
                LambdaInvoker missing = invoker("missing")) {
            Optional<Duration> timeout = tooLong.configuredTimeout().get();
            assertThat(timeout).contains(Duration.ofMinutes(15));
            assertThat(timeout.get()).isGreaterThan(LambdaInvoker.MAX_FUNCTION_TIMEOUT);
            assertThat(quick.configuredTimeout().get()).contains(FunctionHost.DEFAULT_TIMEOUT);
            assertThat(missing.configuredTimeout().get()).isEmpty();
        }
    }
}
