package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.payload.EncodedRecord;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * 3. The hand-written baseline: one consumer poll loop, per-partition batches of BatchSize with our encoder,
 * the SDK's synchronous LambdaClient (Apache HTTP client), one invocation at a time, commitSync after each poll.
 */
final class BaselinePhase implements BenchPhase {
    @Override
    public String name() {
        return "baseline";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        // warm-up first, a whole backlog as for the job: otherwise the first row also pays for JIT-compiling the
        // SDK and client code
        if (!c.quick) {
            measure(c, "baseline-warm", "bench-count", 100, c.records, 0, false);
        }
        measure(c, "baseline-b100", "bench-count", 100, c.records, 0, c.profile);
        measure(c, "baseline-b1000", "bench-count", 1000, c.records, 0, false);
    }

    /** One baseline row; {@code capSeconds} > 0 stops that long after the first invocation (slow functions). */
    static void measure(BenchContext c, String id, String function, int batchSize, long count, int capSeconds,
            boolean jfr) throws Exception {
        c.stats().reset(function);
        jdk.jfr.Recording recording = jfr ? BenchContext.startRecording() : null;
        Properties p = c.consumerProperties(c.group(id));
        // a poll brings about one full batch per partition, so batches are full as in the job
        p.setProperty("max.poll.records", Integer.toString(batchSize * BenchContext.PARTITIONS));
        long sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long capDeadline = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                LambdaClient lambda = LambdaClient.builder()
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .endpointOverride(URI.create(c.endpoint()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("local", "local")))
                        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build()) {
            consumer.subscribe(List.of(BenchContext.TOPIC));
            while (sent < count && System.nanoTime() < Math.min(deadline, capDeadline)) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition tp : polled.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
                    for (int from = 0; from < records.size(); from += batchSize) {
                        List<EncodedRecord> batch = new ArrayList<>(batchSize);
                        for (ConsumerRecord<byte[], byte[]> r : records.subList(from,
                                Math.min(records.size(), from + batchSize))) {
                            batch.add(c.encoder().encode(r));
                        }
                        InvokeResponse response = lambda.invoke(InvokeRequest.builder()
                                .functionName(function)
                                .payload(SdkBytes.fromByteArrayUnsafe(c.encoder().event(batch)))
                                .build());
                        if (response.functionError() != null) {
                            throw new IllegalStateException("function error " + response.functionError());
                        }
                        sent += batch.size();
                        if (capSeconds > 0 && capDeadline == Long.MAX_VALUE) {
                            capDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(capSeconds);
                        }
                    }
                }
                if (!polled.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
        if (recording != null) {
            c.stopRecording(recording, id);
        }
        JsonNode s = c.stats().get(function);
        c.row(id, (capSeconds > 0 ? "baseline, 20 ms function" : "baseline: poll + sync invoke")
                        + ", BatchSize " + batchSize, s.path("records").asLong(),
                s.path("firstArrivalMs").asLong(), s.path("lastArrivalMs").asLong(), s);
    }
}
