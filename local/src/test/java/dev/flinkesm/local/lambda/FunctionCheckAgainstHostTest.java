package dev.flinkesm.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.invoke.FunctionCheck;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.local.lambda.functions.CountRecords;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The check esm create and the job's main make, with the job's own client (real SDK) against the function host. */
class FunctionCheckAgainstHostTest {
    private static FunctionHost host;

    @BeforeAll
    static void start() {
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        host = FunctionHost.start(0);
        host.register("fits", new CountRecords(), Duration.ofMinutes(14));
        host.register("too-long", new CountRecords(), Duration.ofMinutes(15));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static FunctionCheck.Result check(String function, String endpoint) {
        return FunctionCheck.check(new LambdaClientFactory(function, endpoint, 1, Duration.ofSeconds(10),
                dev.flinkesm.aws.HttpClientKind.NETTY));
    }

    @Test
    void aFunctionWithinFourteenMinutesPasses() {
        FunctionCheck.Result r = check("fits", host.endpoint().toString());
        assertThat(r.outcome()).isEqualTo(FunctionCheck.Outcome.OK);
        assertThat(r.message()).isEqualTo("Function fits exists, timeout 840 s");
    }

    @Test
    void aMissingFunctionIsRefusedWithLambdasErrorCode() {
        FunctionCheck.Result r = check("arn:aws:lambda:us-east-1:123456789012:function:nope",
                host.endpoint().toString());
        assertThat(r.refused()).isTrue();
        assertThat(r.errorCode()).isEqualTo("ResourceNotFoundException");
        assertThat(r.message()).contains("nope");
    }

    @Test
    void aTimeoutOverFourteenMinutesIsRefused() {
        FunctionCheck.Result r = check("too-long", host.endpoint().toString());
        assertThat(r.refused()).isTrue();
        assertThat(r.errorCode()).isEqualTo("InvalidParameterValueException");
        assertThat(r.message()).isEqualTo("Function too-long has a timeout of 900 seconds; functions invoked by a "
                + "Kafka event source mapping must time out within 840 seconds (14 minutes)");
    }

    @Test
    void anEndpointThatDoesNotAnswerRefusesNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        FunctionCheck.Result r = check("fits", "http://127.0.0.1:" + port);
        assertThat(r.outcome()).isEqualTo(FunctionCheck.Outcome.UNKNOWN);
        assertThat(r.refused()).isFalse();
    }
}
