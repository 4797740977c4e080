package dev.flinkesm.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.delivery.Invoker;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.invoke.InvokerKind;
import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.invoke.LambdaInvoker;
import dev.flinkesm.local.lambda.functions.AlwaysFails;
import dev.flinkesm.local.lambda.functions.CountRecords;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    /** The SDK invoker on each HTTP client, and the signed-HTTP invoker. */
    enum Path {
        SDK_CRT, SDK_NETTY, SIGNED_HTTP;

        Invoker invoker(String function, String endpoint) {
            AwsClients aws = AwsClients.standard()
                    .withHttpClient(this == SDK_NETTY ? HttpClientKind.NETTY : HttpClientKind.CRT)
                    .withEndpoint(AwsService.LAMBDA, endpoint);
            return new LambdaClientFactory(function, aws, 8, Duration.ofSeconds(10),
                    this == SIGNED_HTTP ? InvokerKind.SIGNED_HTTP : InvokerKind.SDK).createInvoker();
        }
    }

    private static final byte[] EVENT =
            "{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":\"b:9092\",\"records\":{}}".getBytes();

    @ParameterizedTest
    @EnumSource(Path.class)
    void eachKindOfAnswerBecomesItsResultOnEveryPath(Path path) throws Exception {
        String endpoint = host.endpoint().toString();
        try (Invoker quick = path.invoker("quick", endpoint); Invoker fails = path.invoker("fails", endpoint);
                Invoker missing = path.invoker("missing", endpoint)) {
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
    @EnumSource(Path.class)
    void aRefusedConnectionIsAFailureWithoutResponse(Path path) throws Exception {
        try (Invoker nowhere = path.invoker("quick", "http://127.0.0.1:1")) {
            InvokeResult refused = nowhere.invoke(EVENT).get();
            assertThat(refused.kind()).isEqualTo(InvokeResult.Kind.REQUEST_FAILURE);
            assertThat(refused.statusCode()).isEqualTo(InvokeResult.NO_RESPONSE);
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void throttlingAndServerErrorsKeepTheirStatusAndCode(Path path) throws Exception {
        host.faults("quick").throttleNext(1).serverErrorNext(1);
        try (Invoker quick = path.invoker("quick", host.endpoint().toString())) {
            InvokeResult first = quick.invoke(EVENT).get();
            InvokeResult second = quick.invoke(EVENT).get();
            assertThat(java.util.List.of(first.statusCode(), second.statusCode())).containsExactlyInAnyOrder(429, 500);
            assertThat(java.util.List.of(first.errorCode(), second.errorCode()))
                    .containsExactlyInAnyOrder("TooManyRequestsException", "ServiceException");
        } finally {
            host.faults("quick").clear();
        }
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void theConfiguredTimeoutIsReadAndOverFourteenMinutesIsTooLong(Path path) throws Exception {
        String endpoint = host.endpoint().toString();
        try (Invoker tooLong = path.invoker("long-timeout", endpoint); Invoker quick = path.invoker("quick", endpoint);
                Invoker missing = path.invoker("missing", endpoint)) {
            Optional<Duration> timeout = tooLong.configuredTimeout().get();
            assertThat(timeout).contains(Duration.ofMinutes(15));
            assertThat(timeout.get()).isGreaterThan(LambdaInvoker.MAX_FUNCTION_TIMEOUT);
            assertThat(quick.configuredTimeout().get()).contains(FunctionHost.DEFAULT_TIMEOUT);
            assertThat(missing.configuredTimeout().get()).isEmpty();
        }
    }
}
