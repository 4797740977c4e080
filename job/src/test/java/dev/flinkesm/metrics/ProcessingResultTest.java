package dev.flinkesm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.Test;

class ProcessingResultTest {
    private final MetricListener metrics = new MetricListener();
    private final ProcessingResult result = new ProcessingResult(metrics.getMetricGroup());

    private Object gauge(String name) {
        return metrics.<Gauge<?>>getGauge(name).orElseThrow().getValue();
    }

    @Test
    void startsOkWithTheNumericGaugeAtZero() {
        assertThat(gauge(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("OK");
        assertThat(gauge(ProcessingResult.PROBLEM)).isEqualTo(0);
    }

    @Test
    void aReportedProblemReadsAsAwsWritesItUntilCleared() {
        result.report("Function call failed");
        assertThat(gauge(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("PROBLEM: Function call failed");
        assertThat(gauge(ProcessingResult.PROBLEM)).isEqualTo(1);

        result.clear();
        assertThat(gauge(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("OK");
        assertThat(gauge(ProcessingResult.PROBLEM)).isEqualTo(0);
    }

    @Test
    void theNewestProblemWins() {
        result.report("Topic not found (x)");
        result.report("Connection error. Please check your event source connection configuration.");
        assertThat(result.text())
                .isEqualTo("PROBLEM: Connection error. Please check your event source connection configuration.");
    }
}
