package dev.flinkesm.source;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.KafkaEventEncoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Keeps every field of a Kafka record (topic, partition, offset, timestamp and its type, key, value, headers) by
 * encoding it straight into its part of Lambda's event, once, as it is read.
 */
public final class KafkaRecordEncoding implements KafkaRecordDeserializationSchema<EncodedRecord> {
    private static final long serialVersionUID = 1L;

    private final KafkaEventEncoder encoder;

    public KafkaRecordEncoding(KafkaEventEncoder encoder) {
        this.encoder = encoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<EncodedRecord> out) {
        out.collect(encoder.encode(record));
    }

    @Override
    public TypeInformation<EncodedRecord> getProducedType() {
        // Never serialized: records stay inside the delivering reader.
        return TypeInformation.of(EncodedRecord.class);
    }
}
