package dev.flinkesm.delivery;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/** A metric group that keeps what is registered, by dotted name, so tests read counters and gauges back. */
final class RecordingMetricGroup extends UnregisteredMetricsGroup {
    private final String prefix;
    private final Map<String, Metric> metrics;

    RecordingMetricGroup() {
        this("", new ConcurrentHashMap<>());
    }

    private RecordingMetricGroup(String prefix, Map<String, Metric> metrics) {
        this.prefix = prefix;
        this.metrics = metrics;
    }

    @Override
    public Counter counter(String name) {
        return counter(name, new SimpleCounter());
    }

    @Override
    public <C extends Counter> C counter(String name, C counter) {
        metrics.put(prefix + name, counter);
        return counter;
    }

    @Override
    public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
        metrics.put(prefix + name, gauge);
        return gauge;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new RecordingMetricGroup(prefix + name + ".", metrics);
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return new RecordingMetricGroup(prefix + key + "." + value + ".", metrics);
    }

    long count(String name) {
        Metric metric = metrics.get(name);
        return metric == null ? 0 : ((Counter) metric).getCount();
    }

    Object gaugeValue(String name) {
        return ((Gauge<?>) metrics.get(name)).getValue();
    }
}
