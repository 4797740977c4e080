package dev.flinkesm.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.filter.FilterQuota;
import dev.flinkesm.pipeline.JobOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * picocli needs each default written out as a string in {@link EsmJob}'s annotations; the job's defaults live in
 * {@link JobOptions} (and the classes it refers to). This pins the two together: a job started with no options runs
 * with exactly {@code new JobOptions()}.
 */
class EsmJobDefaultsTest {
    private static final String MAPPING = "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"h:9092\"]}}}";

    @Test
    void theCommandLinesDefaultsAreJobOptionsDefaults() throws Exception {
        EsmJob job = parsed();
        JobOptions fromCommandLine = job.options();
        JobOptions defaults = new JobOptions();
        int compared = 0;
        for (Field field : JobOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            assertThat(field.get(fromCommandLine)).as(field.getName()).isEqualTo(field.get(defaults));
            compared++;
        }
        assertThat(compared).as("fields compared").isGreaterThanOrEqualTo(10);
    }

    @Test
    void theFilterQuotaDefaultIsAwsDefault() {
        assertThat(parsed().filterQuota.maxFilters()).isEqualTo(FilterQuota.AWS_DEFAULT.maxFilters());
    }

    private static EsmJob parsed() {
        EsmJob job = new EsmJob();
        new CommandLine(job).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--mapping-json", MAPPING);
        return job;
    }
}
