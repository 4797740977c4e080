package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mapping's failure controls on real parts: a poison record is isolated by bisection (and by partial batch
 * responses) and dead-lettered to a Kafka topic; without a destination it is dropped after its retries; a record
 * too large for any request goes to the destination. Every other produced record must arrive exactly once, in order.
 */
class FailureControlsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final String POISON = "POISON";
    private static EsmHarness harness;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        harness.close();
    }

    /** Processes records in order; fails on the poison record, either by throwing or by reporting it. */
    static final class PoisonSensitiveFunction implements RequestHandler<KafkaEvent, Object> {
        final RecordingFunction recorder = new RecordingFunction();
        private final boolean reportItemFailures;

        PoisonSensitiveFunction(boolean reportItemFailures) {
            this.reportItemFailures = reportItemFailures;
        }

        @Override
        public Object handleRequest(KafkaEvent event, Context context) {
            List<KafkaEvent.KafkaEventRecord> done = new ArrayList<>();
            for (Map.Entry<String, List<KafkaEvent.KafkaEventRecord>> partition : event.getRecords().entrySet()) {
                for (KafkaEvent.KafkaEventRecord r : partition.getValue()) {
                    if (POISON.equals(new String(Base64.getDecoder().decode(r.getValue()), StandardCharsets.UTF_8))) {
                        if (!reportItemFailures) {
                            throw new IllegalArgumentException("cannot process record at offset " + r.getOffset());
                        }
                        record(event, done, context);
                        return Map.of("batchItemFailures", List.of(Map.of("itemIdentifier",
                                Map.of("partition", partition.getKey(), "offset", r.getOffset()))));
                    }
                    done.add(r);
                }
            }
            record(event, done, context);
            return Map.of("batchItemFailures", List.of());
        }

        /** Records only what this invocation processed: a failed record and those after it come again. */
        private void record(KafkaEvent event, List<KafkaEvent.KafkaEventRecord> done, Context context) {
            if (done.isEmpty()) {
                return;
            }
            KafkaEvent processed = new KafkaEvent();
            processed.setEventSource(event.getEventSource());
            processed.setBootstrapServers(event.getBootstrapServers());
            KafkaEvent.KafkaEventRecord first = done.get(0);
            processed.setRecords(Map.of(first.getTopic() + "-" + first.getPartition(), done));
            recorder.handleRequest(processed, context);
        }
    }

    private static String mapping(String function, String topic, String extra) {
        return EsmHarness.mappingJson(function, "TRIM_HORIZON", 16, 0, extra, topic);
    }

    /** 2 partitions x 100 records; the poison record is record 37 of partition 1. Returns its offset. */
    private static long producePoisoned(String topic, Produced produced) throws Exception {
        harness.kafka.createTopic(topic, 2);
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < 100; i++) {
                for (int p = 0; p < 2; p++) {
                    byte[] value = (p == 1 && i == 37) ? POISON.getBytes() : ("ok " + i).getBytes();
                    producer.send(topic, p, null, ("key-" + p + "-" + i).getBytes(), value);
                }
            }
            producer.flushInto(produced);
        }
        return produced.offsetsByPartition.get(topic + "-1").get(37);
    }

    @Test
    void bisectIsolatesAPoisonRecordAndOnlyItIsDeadLettered() throws Exception {
        boolean reportItemFailures = false;
        String name = "poison-bisect";
        String topic = EsmHarness.uniqueTopic(name);
        String dlq = topic + "-dlq";
        harness.kafka.createTopic(dlq, 1);
        PoisonSensitiveFunction function = new PoisonSensitiveFunction(reportItemFailures);
        harness.functions.register(name, function);
        Produced produced = new Produced();
        long poisonOffset = producePoisoned(topic, produced);
        String extra = ",\"BisectBatchOnFunctionError\":true,\"MaximumRetryAttempts\":2"
                + (reportItemFailures ? ",\"FunctionResponseTypes\":[\"ReportBatchItemFailures\"]" : "")
                + ",\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"kafka://" + dlq + "\"}}";
        EventSourceMapping m = harness.mapping(mapping(name, topic, extra));
        produced.offsetsByPartition.get(topic + "-1").remove(poisonOffset);

        JobClient job = harness.start(m, harness.fastOptions());
        List<DeadLetters.Message> deadLetters;
        try {
            Await.until(Duration.ofSeconds(90), () -> function.recorder.delivered().size() >= produced.count(),
                    () -> "delivered " + function.recorder.delivered().size() + " of " + produced.count());
            deadLetters = DeadLetters.read(harness.kafka.bootstrapServers(), dlq, 1, Duration.ofSeconds(30));
            Await.until(Duration.ofSeconds(30), () -> harness.committedOffsets(m.consumerGroupId())
                            .equals(Map.of(topic + "-0", 100L, topic + "-1", 100L)),
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(produced, function.recorder.delivered()).assertExactlyOnceInOrder();
        assertThat(deadLetters).hasSize(1);
        DeadLetters.Message letter = deadLetters.get(0);
        assertThat(new String(letter.key())).isEqualTo("key-1-37");
        assertThat(letter.body().at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(letter.body().at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(letter.body().at("/KafkaBatchInfo/batchSize").asInt()).isEqualTo(1);
        JsonNodes.assertSingleRecordPayload(letter.body().get("payload"), topic, 1, poisonOffset, POISON);
    }


    /**
     * With ReportBatchItemFailures the function names the poison record, so the batch is cut there and the rest is
     * retried whole (no halving: the function already said where to cut). After MaximumRetryAttempts the rest,
     * poison first, goes to the destination, one message per record: the records after the poison in that batch
     * were never processed, and none is lost.
     */
    @Test
    void partialBatchResponsesWithBisectRetryFromThePoisonAndDeadLetterTheUnprocessedRest() throws Exception {
        String name = "poison-partial";
        String topic = EsmHarness.uniqueTopic(name);
        String dlq = topic + "-dlq";
        harness.kafka.createTopic(dlq, 1);
        PoisonSensitiveFunction function = new PoisonSensitiveFunction(true);
        harness.functions.register(name, function);
        Produced produced = new Produced();
        long poisonOffset = producePoisoned(topic, produced);
        String extra = ",\"BisectBatchOnFunctionError\":true,\"MaximumRetryAttempts\":2"
                + ",\"FunctionResponseTypes\":[\"ReportBatchItemFailures\"]"
                + ",\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"kafka://" + dlq + "\"}}";
        EventSourceMapping m = harness.mapping(mapping(name, topic, extra));

        JobClient job = harness.start(m, harness.fastOptions());
        try {
            // Offsets are committed only for records delivered or dead-lettered: the ends mean all are one or other.
            Await.until(Duration.ofSeconds(90), () -> harness.committedOffsets(m.consumerGroupId())
                            .equals(Map.of(topic + "-0", 100L, topic + "-1", 100L)),
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }

        Set<Long> processed = new HashSet<>();
        for (RecordingFunction.Delivered d : function.recorder.delivered()) {
            if (d.partition() == 1) {
                processed.add(d.offset());
            }
        }
        List<Long> partition1 = produced.offsetsByPartition.get(topic + "-1");
        List<Long> unprocessed = partition1.stream().filter(o -> !processed.contains(o)).collect(Collectors.toList());
        assertThat(unprocessed).isNotEmpty().first().isEqualTo(poisonOffset);
        assertThat(unprocessed).hasSizeLessThanOrEqualTo(16); // the rest of one batch (BatchSize 16)
        assertThat(unprocessed).isEqualTo(partition1.subList(partition1.indexOf(poisonOffset),
                partition1.indexOf(poisonOffset) + unprocessed.size())); // contiguous from the poison

        List<DeadLetters.Message> deadLetters =
                DeadLetters.read(harness.kafka.bootstrapServers(), dlq, unprocessed.size(), Duration.ofSeconds(30));
        assertThat(deadLetters).extracting(l -> l.body().at("/payload/records/" + topic + "-1/0/offset").asLong())
                .containsExactlyElementsOf(unprocessed);
        for (DeadLetters.Message letter : deadLetters) {
            assertThat(letter.body().at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(letter.body().at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(letter.body().at("/KafkaBatchInfo/batchSize").asInt()).isEqualTo(1);
        }
        assertThat(new String(deadLetters.get(0).key())).isEqualTo("key-1-37");
        JsonNodes.assertSingleRecordPayload(deadLetters.get(0).body().get("payload"), topic, 1, poisonOffset, POISON);

        partition1.removeAll(unprocessed);
        DeliveryCheck.of(produced, function.recorder.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void withoutADestinationAnExhaustedBatchIsDroppedAndThePartitionMovesOn() throws Exception {
        String topic = EsmHarness.uniqueTopic("drop");
        PoisonSensitiveFunction function = new PoisonSensitiveFunction(false);
        harness.functions.register("drop", function);
        Produced produced = new Produced();
        long poisonOffset = producePoisoned(topic, produced);
        EventSourceMapping m = harness.mapping(mapping("drop", topic, ",\"MaximumRetryAttempts\":1"));

        JobClient job = harness.start(m, harness.fastOptions());
        try {
            // Partition 0 has no poison; partition 1's poisoned batch is dropped whole after 2 attempts.
            Await.until(Duration.ofSeconds(60), () -> harness.committedOffsets(m.consumerGroupId())
                            .equals(Map.of(topic + "-0", 100L, topic + "-1", 100L)),
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }

        List<Long> partitionOne = function.recorder.offsetsByPartition().get(topic + "-1");
        long droppedFrom = (poisonOffset / 16) * 16; // the batch of 16 holding the poison record
        List<Long> expected = new ArrayList<>();
        for (long o = 0; o < 100; o++) {
            if (o < droppedFrom || o >= droppedFrom + 16) {
                expected.add(o);
            }
        }
        assertThat(partitionOne).containsExactlyElementsOf(expected);
        assertThat(function.recorder.offsetsByPartition().get(topic + "-0")).hasSize(100);
    }

    @Test
    void aRecordTooLargeForAnyRequestGoesToTheDestinationAndTheRestIsDelivered() throws Exception {
        String topic = EsmHarness.uniqueTopic("oversize");
        String dlq = topic + "-dlq";
        harness.createTopicAllowingLargeMessages(topic);
        harness.createTopicAllowingLargeMessages(dlq);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("oversize", function);
        Produced produced = new Produced();
        Produced oversized = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.send(topic, 0, null, "a".getBytes(), "small".getBytes()).flushInto(produced);
            producer.send(topic, 0, null, "huge".getBytes(), new byte[4_800_000]).flushInto(oversized);
            producer.send(topic, 0, null, "b".getBytes(), "small".getBytes()).flushInto(produced);
        }
        EventSourceMapping m = harness.mapping(mapping("oversize", topic,
                ",\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\"kafka://" + dlq + "\"}}"));

        JobClient job = harness.start(m, harness.fastOptions());
        List<DeadLetters.Message> deadLetters;
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= 2,
                    () -> "delivered " + function.delivered().size());
            deadLetters = DeadLetters.read(harness.kafka.bootstrapServers(), dlq, 1, Duration.ofSeconds(30));
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
        assertThat(deadLetters).hasSize(1);
        assertThat(new String(deadLetters.get(0).key())).isEqualTo("huge");
        assertThat(deadLetters.get(0).body().at("/requestContext/condition").asText())
                .isEqualTo("MaximumPayloadSizeExceeded");
        assertThat(deadLetters.get(0).body().at("/responseContext/statusCode").isNull()).isTrue();
    }
}
