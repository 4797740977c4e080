package dev.flinkesm.bench;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.source.KafkaRecordEncoding;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** 2. The job's own KafkaSource (same deserializer) into a discarding sink, parallelism 2. */
final class SourcePhase implements BenchPhase {
    @Override
    public String name() {
        return "source";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        CountingSink.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        // The job keeps records inside its reader; without object reuse the chained sink would Kryo-copy each one.
        env.getConfig().enableObjectReuse();
        KafkaSource<EncodedRecord> source = KafkaSource.<EncodedRecord>builder()
                .setBootstrapServers(c.bootstrap())
                .setTopics(BenchContext.TOPIC)
                .setGroupId(c.group("source"))
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new KafkaRecordEncoding(c.encoder()))
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "source only").sinkTo(new CountingSink<>());
        long start = System.currentTimeMillis();
        env.execute("bench source only");
        Map<String, Object> row = c.row("source", "source only: KafkaSource + encoding, p=2",
                CountingSink.COUNT.get(), CountingSink.FIRST_MS.get(), CountingSink.LAST_MS.get(), null);
        row.put("wallSecondsWithStartup", (System.currentTimeMillis() - start) / 1000.0);
    }
}
