package dev.flinkesm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.deploy.MonitoredMetrics.Series;
import dev.flinkesm.metrics.EsmMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the rules name only metrics the job registers (checked here against {@link EsmMetrics}'s
 * constants) or Flink's own job metrics; cli's EsmCommandITCase finds each of them in a running job's scrape.
 */
class MonitoredMetricsTest {
    private static final Path REPO = Path.of("..");
    private static final String OPERATOR = "flink_taskmanager_job_task_operator_";
    private static final String PARTITION = OPERATOR + "topic_partition_";
    /** FilterCriteria run in the Kafka deserializer, whose metric group is the source's {@code deserializer}. */
    private static final String DESERIALIZER = OPERATOR + "deserializer_";
    /** Flink's job metrics (JobManager) the dashboard and rules use. */
    private static final Set<String> FLINK_JOB_METRICS = Set.of("numRestarts", "lastCheckpointDuration",
            "lastCheckpointSize", "numberOfFailedCheckpoints");

    private static Set<String> esmMetricNames() throws IllegalAccessException {
        Set<String> names = new HashSet<>();
        for (Field f : EsmMetrics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }

    @Test
    void everyOperatorMetricQueriedIsOneTheJobRegisters() throws Exception {
        Set<Series> all = MonitoredMetrics.of(REPO);
        assertThat(all).hasSizeGreaterThan(15);
        Set<String> registered = esmMetricNames();
        for (Series s : all) {
            if (s.name().startsWith(PARTITION)) {
                assertThat(s.name().substring(PARTITION.length())).isEqualTo(EsmMetrics.OFFSET_LAG);
            } else if (s.name().startsWith(DESERIALIZER)) {
                assertThat(s.name().substring(DESERIALIZER.length())).isEqualTo(EsmMetrics.FILTERED_OUT_EVENT_COUNT);
            } else if (s.name().startsWith(OPERATOR)) {
                assertThat(registered).as(s.name()).contains(s.name().substring(OPERATOR.length()));
            } else {
                assertThat(s.name()).startsWith("flink_jobmanager_job_");
                assertThat(FLINK_JOB_METRICS).contains(s.name().substring("flink_jobmanager_job_".length()));
            }
        }
    }

    @Test
    void theDashboardShowsLagRatesLatencyStallsAndCheckpoints() throws Exception {
        Set<String> names = new HashSet<>();
        MonitoredMetrics.inDashboard(REPO.resolve(MonitoredMetrics.DASHBOARD)).forEach(s -> names.add(s.name()));
        assertThat(names).contains(PARTITION + "OffsetLag", OPERATOR + "InvokedEventCount",
                OPERATOR + "FailedInvokeEventCount", OPERATOR + "DroppedEventCount", OPERATOR + "InvokeDurationMs",
                OPERATOR + "StalledPartitions", "flink_jobmanager_job_lastCheckpointDuration");
    }

    @Test
    void aSeriesIsFoundInAScrapeOnlyByItsExactNameAndQuantile() {
        String scrape = "# TYPE flink_taskmanager_job_task_operator_InvokeDurationMs summary\n"
                + "flink_taskmanager_job_task_operator_InvokeDurationMs{job_name=\"esm x\",quantile=\"0.99\",} 12.0\n"
                + "flink_jobmanager_job_numRestarts{job_name=\"esm x\",} 0.0\n";
        assertThat(new Series("flink_taskmanager_job_task_operator_InvokeDurationMs", "0.99").isIn(scrape)).isTrue();
        assertThat(new Series("flink_taskmanager_job_task_operator_InvokeDurationMs", "0.5").isIn(scrape)).isFalse();
        assertThat(new Series("flink_jobmanager_job_numRestarts", null).isIn(scrape)).isTrue();
        assertThat(new Series("flink_jobmanager_job_numRestart", null).isIn(scrape)).isFalse();
    }

    @Test
    void aQuantileSelectorIsRead() {
        assertThat(MonitoredMetrics.inExpression(
                "max by (job_name) (flink_a{job_name=~\"$mapping\",quantile=\"0.5\"}) / flink_b"))
                .containsExactly(new Series("flink_a", "0.5"), new Series("flink_b", null));
    }
}
