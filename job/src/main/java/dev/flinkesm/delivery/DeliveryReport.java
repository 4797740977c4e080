package dev.flinkesm.delivery;

import java.util.Objects;

/**
 * One small event per finished batch, emitted downstream of the delivering source so the web UI's record counts
 * show progress. Deliberately tiny (no payload): if this stream backpressured, delivery would stop with it.
 * A Flink POJO (public fields, no-arg constructor) so it serializes without Kryo.
 */
public class DeliveryReport {
    public String topic;
    public int partition;
    public long firstOffset;
    public long lastOffset;
    public int records;
    public int attempts;

    public DeliveryReport() {}

    public DeliveryReport(String topic, int partition, long firstOffset, long lastOffset, int records, int attempts) {
        this.topic = topic;
        this.partition = partition;
        this.firstOffset = firstOffset;
        this.lastOffset = lastOffset;
        this.records = records;
        this.attempts = attempts;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeliveryReport)) {
            return false;
        }
        DeliveryReport that = (DeliveryReport) o;
        return partition == that.partition && firstOffset == that.firstOffset && lastOffset == that.lastOffset
                && records == that.records && attempts == that.attempts && Objects.equals(topic, that.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, firstOffset, lastOffset, records, attempts);
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " " + firstOffset + ".." + lastOffset + " (" + records + " records, "
                + attempts + " attempts)";
    }
}
