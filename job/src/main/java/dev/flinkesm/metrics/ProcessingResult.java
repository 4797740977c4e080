package dev.flinkesm.metrics;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mapping's current problem, published as AWS's {@code LastProcessingResult}: the job sets it where it meets a
 * problem that may heal (a broker that cannot be reached, a missing topic, a function call that fails) and clears it
 * when that part works again. Problems that cannot heal stop the job instead ({@code MappingStoppedException}).
 *
 * <p>Two gauges per metric group: {@value #LAST_PROCESSING_RESULT} ({@code OK} or {@code PROBLEM: ...}, read by
 * {@code esm get} through Flink's REST metrics API) and {@value #PROBLEM} (1 while a problem is reported, else 0,
 * for Prometheus, which drops string gauges). Readers publish one per subtask, the split enumerator one on the job
 * manager.
 *
 * <p>Thread-safe: set and cleared from any thread (task thread, coordinator threads, timers), read by the metric
 * reporters' threads.
 */
public final class ProcessingResult {
    public static final String LAST_PROCESSING_RESULT = "LastProcessingResult";
    public static final String PROBLEM = "ProcessingProblem";
    public static final String OK = "OK";

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingResult.class);

    private volatile String problem; // null: OK

    public ProcessingResult(MetricGroup group) {
        group.gauge(LAST_PROCESSING_RESULT, (Gauge<String>) this::text);
        group.gauge(PROBLEM, (Gauge<Integer>) () -> problem == null ? 0 : 1);
    }

    /** Sets the problem (text after {@code PROBLEM: }); logged once per change, not per retry. */
    public void report(String text) {
        String before = problem;
        problem = text;
        if (!text.equals(before)) {
            LOG.warn("LastProcessingResult: PROBLEM: {}", text);
        }
    }

    /** Back to OK. */
    public void clear() {
        String before = problem;
        problem = null;
        if (before != null) {
            LOG.info("LastProcessingResult: OK (was: PROBLEM: {})", before);
        }
    }

    public boolean hasProblem() {
        return problem != null;
    }

    /** {@code OK} or {@code PROBLEM: <text>}, as AWS's {@code LastProcessingResult} reads. */
    public String text() {
        String p = problem;
        return p == null ? OK : "PROBLEM: " + p;
    }
}
