package dev.flinkesm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.aws.AwsService;
import dev.flinkesm.pipeline.JobOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class JobArgumentsTest {
    private static final String MAPPING = "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"k:9092\"]}}}";

    @Test
    void endpointSetsOneServiceEachAndLambdaEndpointIsItsAlias() {
        JobOptions options = JobArguments.parse("--mapping-json", MAPPING,
                "--endpoint", "sqs=http://127.0.0.1:9324", "--endpoint", "secrets_manager=http://127.0.0.1:4566",
                "--lambda-endpoint", "http://127.0.0.1:9001").options();
        assertThat(options.aws().endpointOverride(AwsService.SQS)).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(options.aws().endpointOverride(AwsService.SECRETS_MANAGER))
                .contains(URI.create("http://127.0.0.1:4566"));
        assertThat(options.aws().endpointOverride(AwsService.LAMBDA)).contains(URI.create("http://127.0.0.1:9001"));
        assertThat(options.aws().endpointOverride(AwsService.SNS)).isEmpty();
    }

    @Test
    void theOlderDestinationEndpointOptionStillWorks() {
        JobOptions options = JobArguments.parse("--mapping-json", MAPPING,
                "--destination-endpoint", "s3=http://127.0.0.1:9000").options();
        assertThat(options.aws().endpointOverride(AwsService.S3)).contains(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void anUnknownServiceIsAUsageErrorNamingTheKnownOnes() {
        assertThatThrownBy(() -> JobArguments.parse("--mapping-json", MAPPING, "--endpoint", "kinesis=http://x:1"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--endpoint kinesis=...: unknown service; one of lambda, secretsmanager, sqs,"
                        + " sns, s3, kafka");
    }

    @Test
    void anEndpointThatIsNoUrlIsRefused() {
        assertThatThrownBy(() -> JobArguments.parse("--mapping-json", MAPPING, "--endpoint", "sqs=localhost"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("'localhost' is not an absolute URL such as http://localhost:9324");
    }

    @Test
    void anOptionTheJobDoesNotTakeIsRefused() {
        assertThatThrownBy(() -> JobArguments.parse("--mapping-json", MAPPING, "--batch-size", "10"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--batch-size");
    }

    @Test
    void maxFiltersRaisesTheFilterQuotaTheMappingIsParsedUnder() {
        String six = MAPPING.substring(0, MAPPING.length() - 1) + ",\"FilterCriteria\":{\"Filters\":["
                + String.join(",", java.util.Collections.nCopies(6, "{\"Pattern\":\"{\\\"partition\\\":[0]}\"}"))
                + "]}}";
        assertThatThrownBy(() -> JobArguments.parse("--mapping-json", six).mapping())
                .isInstanceOf(dev.flinkesm.config.MappingValidationException.class)
                .hasMessageContaining("FilterCriteria.Filters has 6 filters; at most 5 are allowed");
        JobArguments raised = JobArguments.parse("--mapping-json", six, "--max-filters", "6");
        assertThat(raised.filterQuota().maxFilters()).isEqualTo(6);
        assertThat(raised.mapping().filterPatterns()).hasSize(6);
    }

    @Test
    void maxFiltersOutsideWhatAwsGrantsIsAUsageError() {
        assertThatThrownBy(() -> JobArguments.parse("--mapping-json", MAPPING, "--max-filters", "11"))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--max-filters 11 is out of range 5..10");
    }

    @Test
    void theMappingIsParsedAsTheJobParsesIt() {
        assertThat(JobArguments.parse("--mapping-json", MAPPING).mapping().functionName()).isEqualTo("f");
    }
}
