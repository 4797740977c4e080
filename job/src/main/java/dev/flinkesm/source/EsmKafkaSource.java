package dev.flinkesm.source;

import dev.flinkesm.payload.EncodedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import dev.flinkesm.delivery.DeliveryReport;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A checkpointed Kafka source that delivers to Lambda as it reads. Enumeration, split assignment and all
 * serializers are the stock {@link KafkaSource}'s, so savepoints keep the connector's format; only the reader is
 * wrapped ({@link DeliveringSourceReader}), and the enumerator's context, so that refused credentials or missing ACLs
 * met while listing partitions stop the job once, and unreachable brokers or a missing topic are reported and
 * retried without restarts ({@link ClassifyingEnumeratorContext}, {@link WatchedEnumerator}). It emits one
 * {@link DeliveryReport} per delivered batch.
 *
 * <p>It relies on connector surfaces marked {@code @Internal} ({@code KafkaSource#createReader},
 * {@code KafkaPartitionSplit}): the connector version is pinned, and the savepoint/restore tests fail the build if
 * an upgrade changes them.
 */
public final class EsmKafkaSource
        implements Source<DeliveryReport, KafkaPartitionSplit, KafkaSourceEnumState>,
                ResultTypeQueryable<DeliveryReport> {
    private static final long serialVersionUID = 1L;

    private final KafkaSource<EncodedRecord> kafkaSource;
    private final DeliverySettings settings;

    public EsmKafkaSource(KafkaSource<EncodedRecord> kafkaSource, DeliverySettings settings) {
        this.kafkaSource = kafkaSource;
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafkaSource.getBoundedness();
    }

    @Override
    public SourceReader<DeliveryReport, KafkaPartitionSplit> createReader(SourceReaderContext context)
            throws Exception {
        return new DeliveringSourceReader(kafkaSource.createReader(context), context, settings);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        ClassifyingEnumeratorContext<KafkaPartitionSplit> classifying = new ClassifyingEnumeratorContext<>(context);
        return new WatchedEnumerator<>(kafkaSource.createEnumerator(classifying), classifying);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState checkpoint)
            throws Exception {
        ClassifyingEnumeratorContext<KafkaPartitionSplit> classifying = new ClassifyingEnumeratorContext<>(context);
        return new WatchedEnumerator<>(kafkaSource.restoreEnumerator(classifying, checkpoint), classifying);
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafkaSource.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafkaSource.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<DeliveryReport> getProducedType() {
        return TypeInformation.of(DeliveryReport.class);
    }
}
