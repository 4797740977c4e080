package dev.flinkesm.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.Collector;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaRecordEncodingTest {
    private final KafkaEventEncoder encoder = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b:9092", null);
    private final Map<String, Counter> counters = new HashMap<>();
    private final List<EncodedRecord> collected = new ArrayList<>();
    private final Collector<EncodedRecord> out = new Collector<>() {
        @Override
        public void collect(EncodedRecord record) {
            collected.add(record);
        }

        @Override
        public void close() {}
    };

    /** A metric group that keeps the counters registered in it, like the connector's "deserializer" group. */
    private final MetricGroup group = new UnregisteredMetricsGroup() {
        @Override
        public Counter counter(String name) {
            return counters.computeIfAbsent(name, n -> new SimpleCounter());
        }
    };

    private KafkaRecordEncoding opened(KafkaRecordEncoding encoding) {
        encoding.open(new DeserializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return group;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        });
        return encoding;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String value) {
        return new ConsumerRecord<>("t", 0, offset, null, value.getBytes(UTF_8));
    }

    @Test
    void aFilteredRecordIsNotCollectedAndIsCounted() {
        KafkaRecordEncoding encoding = opened(new KafkaRecordEncoding(encoder, List.of("{\"value\":{\"ok\":[true]}}")));
        encoding.deserialize(record(0, "{\"ok\":true}"), out);
        encoding.deserialize(record(1, "{\"ok\":false}"), out);
        encoding.deserialize(record(2, "{\"ok\":false}"), out);
        encoding.deserialize(record(3, "{\"ok\":true}"), out);

        assertThat(collected).extracting(EncodedRecord::offset).containsExactly(0L, 3L);
        assertThat(counters.get(EsmMetrics.FILTERED_OUT_EVENT_COUNT).getCount()).isEqualTo(2);
    }

    @Test
    void whatPassesIsEncodedExactlyAsWithoutFilters() {
        ConsumerRecord<byte[], byte[]> r = record(7, "{\"ok\":true}");
        KafkaRecordEncoding filtering = opened(new KafkaRecordEncoding(encoder, List.of("{\"value\":{\"ok\":[true]}}")));
        filtering.deserialize(r, out);
        byte[] filteredJson = collected.get(0).json();
        collected.clear();
        opened(new KafkaRecordEncoding(encoder)).deserialize(r, out);
        assertThat(filteredJson).isEqualTo(collected.get(0).json());
    }

    @Test
    void withoutFiltersEveryRecordPassesAndNoneIsCounted() {
        KafkaRecordEncoding encoding = opened(new KafkaRecordEncoding(encoder));
        encoding.deserialize(record(0, "a"), out);
        encoding.deserialize(record(1, "b"), out);
        assertThat(collected).hasSize(2);
        assertThat(counters.get(EsmMetrics.FILTERED_OUT_EVENT_COUNT).getCount()).isZero();
    }
}
