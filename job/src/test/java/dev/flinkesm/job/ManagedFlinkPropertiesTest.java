package dev.flinkesm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.config.EventSourceMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application configuration README documents ({@code deploy/msf/create-application.json}), written the way the
 * service hands it to the job (its runtime properties file) and read with AWS's own {@code KinesisAnalyticsRuntime}.
 */
class ManagedFlinkPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DOCUMENTED = Path.of("..", "deploy", "msf", "create-application.json");

    @TempDir
    Path dir;

    /** The service's file: the application's {@code PropertyGroups}, as a JSON array. */
    private Path serviceFile(JsonNode propertyGroups) throws Exception {
        Path file = dir.resolve("application_properties.json");
        Files.writeString(file, JSON.writeValueAsString(propertyGroups));
        return file;
    }

    @Test
    void theDocumentedApplicationConfigurationGivesTheJobItsMappingAndOptions() throws Exception {
        JsonNode groups = JSON.readTree(DOCUMENTED.toFile())
                .path("ApplicationConfiguration").path("EnvironmentProperties").path("PropertyGroups");
        String[] args = ManagedFlinkProperties.fromFile(serviceFile(groups));

        JobArguments parsed = JobArguments.parse(args);
        EventSourceMapping mapping = parsed.mapping();
        assertThat(mapping.functionName()).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:process-orders");
        assertThat(mapping.topics()).containsExactly("orders");
        assertThat(mapping.isMsk()).isTrue();
        assertThat(mapping.onFailureDestination().orElseThrow().address())
                .isEqualTo("arn:aws:sqs:eu-west-1:123456789012:orders-dlq");
        assertThat(parsed.options().maxConcurrentInvocations).isEqualTo(64);
        assertThat(parsed.options().retryMaxBackoff).isEqualTo(Duration.ofSeconds(30));
        assertThat(parsed.options().kafkaProperties).containsEntry("fetch.min.bytes", "65536");
        assertThat(parsed.options().aws().endpointOverride(AwsService.SQS)).isEmpty();
    }

    @Test
    void keyedOptionsBecomeKeyValueArguments() throws Exception {
        JsonNode groups = JSON.readTree("[{\"PropertyGroupId\":\"EsmMapping\",\"PropertyMap\":{"
                + "\"mapping\":\"{}\",\"endpoint.sqs\":\"http://127.0.0.1:9324\",\"parallelism\":\"4\"}},"
                + "{\"PropertyGroupId\":\"Other\",\"PropertyMap\":{\"x\":\"y\"}}]");
        assertThat(ManagedFlinkProperties.fromFile(serviceFile(groups))).containsExactly(
                "--mapping-json", "{}", "--endpoint", "sqs=http://127.0.0.1:9324", "--parallelism", "4");
    }

    @Test
    void withoutTheEsmMappingGroupTheJobSaysWhatItNeeds() throws Exception {
        JsonNode groups = JSON.readTree("[{\"PropertyGroupId\":\"Other\",\"PropertyMap\":{\"mapping\":\"{}\"}}]");
        assertThatThrownBy(() -> ManagedFlinkProperties.fromFile(serviceFile(groups)))
                .hasMessage("ESM_CONFIG_NOT_VALID: the application's runtime properties need a property group "
                        + "EsmMapping with the mapping JSON as 'mapping'");
    }

    @Test
    void argumentsGivenOnTheCommandLineAreKept() {
        String[] args = {"--mapping", "m.json"};
        assertThat(ManagedFlinkProperties.argsOr(args)).isSameAs(args);
    }
}
