package dev.flinkesm.source;

import dev.flinkesm.filter.FilterCriteria;
import dev.flinkesm.filter.RecordFilter;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps every field of a Kafka record (topic, partition, offset, timestamp and its type, key, value, headers) by
 * encoding it straight into its part of Lambda's event, once, as it is read; drops the records the mapping's
 * {@code FilterCriteria} filter out.
 *
 * <p>Filtering here is "before batching": a filtered record never reaches a batch, so a batch holds up to BatchSize
 * matching records. Its offset still counts as consumed: the connector's {@code KafkaRecordEmitter} moves the split's
 * offset to {@code offset + 1} after {@link #deserialize} whether or not anything was collected, so checkpoints and
 * the consumer group's commits pass filtered records (Lambda "commits offsets for matched and unmatched messages").
 */
public final class KafkaRecordEncoding implements KafkaRecordDeserializationSchema<EncodedRecord> {
    private static final long serialVersionUID = 1L;

    private final KafkaEventEncoder encoder;
    /** The mapping's patterns; compiled in {@link #open} (event-ruler's machine is not serializable). */
    private final List<String> filterPatterns;

    private transient RecordFilter filter; // null: no filters, every record passes
    private transient Counter filteredOut;

    /** Without filters: every record is delivered. */
    public KafkaRecordEncoding(KafkaEventEncoder encoder) {
        this(encoder, List.of());
    }

    /** {@code filterPatterns} as validated by the mapping parser; empty for none. */
    public KafkaRecordEncoding(KafkaEventEncoder encoder, List<String> filterPatterns) {
        this.encoder = encoder;
        this.filterPatterns = List.copyOf(filterPatterns);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        filter = filterPatterns.isEmpty() ? null : FilterCriteria.compile(filterPatterns);
        filteredOut = EsmMetrics.filteredOutCounter(context.getMetricGroup());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EncodedRecord> out) {
        if (filter != null && !filter.matches(record)) {
            filteredOut.inc();
            return;
        }
        out.collect(encoder.encode(record));
    }

    @Override
    public TypeInformation<EncodedRecord> getProducedType() {
        // Never serialized: records stay inside the delivering reader.
        return TypeInformation.of(EncodedRecord.class);
    }
}
