package dev.flinkesm.source;

import dev.flinkesm.delivery.PartitionState;
import dev.flinkesm.payload.EncodedRecord;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;

/**
 * The output the wrapped Kafka reader emits into: it hands each record to the partition it belongs to. The Kafka
 * reader emits through per-split outputs ({@link #createOutputForSplit}), which know their partition; the plain
 * {@link #collect} looks it up. Watermarks and idleness mean nothing here: the delivering reader emits reports, not
 * records.
 */
final class RoutingOutput implements ReaderOutput<EncodedRecord> {
    private final Function<String, PartitionState> partitionOfSplit;
    private final BiConsumer<PartitionState, EncodedRecord> accept;
    private final Map<String, SourceOutput<EncodedRecord>> splitOutputs = new HashMap<>();

    RoutingOutput(Function<String, PartitionState> partitionOfSplit, BiConsumer<PartitionState, EncodedRecord> accept) {
        this.partitionOfSplit = partitionOfSplit;
        this.accept = accept;
    }

    @Override
    public void collect(EncodedRecord record) {
        accept.accept(partitionOfSplit.apply(record.topic() + "-" + record.partition()), record);
    }

    @Override
    public void collect(EncodedRecord record, long timestamp) {
        collect(record);
    }

    @Override
    public SourceOutput<EncodedRecord> createOutputForSplit(String splitId) {
        return splitOutputs.computeIfAbsent(splitId, id -> new SplitOutput(partitionOfSplit.apply(id)));
    }

    @Override
    public void releaseOutputForSplit(String splitId) {
        splitOutputs.remove(splitId);
    }

    @Override
    public void emitWatermark(Watermark watermark) {}

    @Override
    public void markIdle() {}

    @Override
    public void markActive() {}

    private final class SplitOutput implements SourceOutput<EncodedRecord> {
        private final PartitionState partition;

        SplitOutput(PartitionState partition) {
            this.partition = partition;
        }

        @Override
        public void collect(EncodedRecord record) {
            accept.accept(partition, record);
        }

        @Override
        public void collect(EncodedRecord record, long timestamp) {
            accept.accept(partition, record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
