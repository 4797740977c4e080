package dev.flinkesm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.flinkesm.config.MappingValidationException;
import org.junit.jupiter.api.Test;

/** main throws what it refuses: in a session cluster it runs inside the JobManager, where System.exit stops it. */
class EsmJobMainTest {
    private static final String MAPPING = "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"h:9092\"]}}";

    @Test
    void anInvalidMappingIsThrownWithAwsReasonAndMessage() {
        Throwable thrown = catchThrowable(() -> EsmJob.main(new String[] {
            "--mapping-json", MAPPING + ",\"BatchSize\":20000}"}));
        assertThat(thrown).isInstanceOf(MappingValidationException.class)
                .hasMessage("ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range 1..10000");
    }

    @Test
    void unknownArgumentsAreThrownNotExited() {
        Throwable thrown = catchThrowable(() -> EsmJob.main(new String[] {"--mapping-json", MAPPING + "}", "--nope"}));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--nope");
    }

    @Test
    void aMissingMappingIsThrown() {
        Throwable thrown = catchThrowable(() -> EsmJob.main(new String[0]));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mapping");
    }

    @Test
    void aDisabledMappingReturnsWithoutRunningAnything() {
        assertThatCode(() -> EsmJob.main(new String[] {"--mapping-json", MAPPING + ",\"Enabled\":false}"}))
                .doesNotThrowAnyException();
    }
}
