package dev.flinkesm.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaEventEncoderTest {
    private static final String BOOTSTRAP = "b-2.demo:9092,b-1.demo:9092";
    private static final String ARN =
            "arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2";

    private final KafkaEventEncoder selfManaged = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, BOOTSTRAP, null);
    private final KafkaEventEncoder msk = new KafkaEventEncoder(EventSourceKind.MSK, BOOTSTRAP, ARN);

    // ------------------------------------------------------------------------------------------------ helpers

    private static ConsumerRecord<byte[], byte[]> record(
            String topic, int partition, long offset, long timestamp, TimestampType type,
            byte[] key, byte[] value, Header... headers) {
        return new ConsumerRecord<>(topic, partition, offset, timestamp, type,
                key == null ? -1 : key.length, value == null ? -1 : value.length,
                key, value, new RecordHeaders(headers), Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> simple(String topic, int partition, long offset, String value) {
        return record(topic, partition, offset, 1_700_000_000_000L + offset, TimestampType.CREATE_TIME,
                ("k" + offset).getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] eventOf(KafkaEventEncoder encoder, List<ConsumerRecord<byte[], byte[]>> records) {
        List<EncodedRecord> encoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            encoded.add(encoder.encode(r));
        }
        return encoder.event(encoded);
    }

    /** Parses an event the way the Lambda Java runtime does for a handler taking {@link KafkaEvent}. */
    private KafkaEvent parse(byte[] event) {
        PojoSerializer<KafkaEvent> serializer =
                LambdaEventSerializers.serializerFor(KafkaEvent.class, getClass().getClassLoader());
        return serializer.fromJson(new ByteArrayInputStream(event));
    }

    private static void assertSameRecord(KafkaEvent.KafkaEventRecord parsed, ConsumerRecord<byte[], byte[]> source) {
        assertThat(parsed.getTopic()).isEqualTo(source.topic());
        assertThat(parsed.getPartition()).isEqualTo(source.partition());
        assertThat(parsed.getOffset()).isEqualTo(source.offset());
        assertThat(parsed.getTimestamp()).isEqualTo(source.timestamp());
        assertThat(parsed.getTimestampType()).isEqualTo(source.timestampType().name());
        if (source.key() == null) {
            assertThat(parsed.getKey()).isNull();
        } else {
            assertThat(Base64.getDecoder().decode(parsed.getKey())).isEqualTo(source.key());
        }
        if (source.value() == null) {
            assertThat(parsed.getValue()).isNull();
        } else {
            assertThat(Base64.getDecoder().decode(parsed.getValue())).isEqualTo(source.value());
        }
        Header[] headers = source.headers().toArray();
        assertThat(parsed.getHeaders()).hasSize(headers.length);
        for (int i = 0; i < headers.length; i++) {
            Map<String, byte[]> one = parsed.getHeaders().get(i);
            if (headers[i].value() == null) {
                assertThat(one).isEmpty();
            } else {
                assertThat(one).containsOnlyKeys(headers[i].key());
                assertThat(one.get(headers[i].key())).isEqualTo(headers[i].value());
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- golden

    /** The event README.md shows under "What the function receives": AWS's example record, with a key. */
    @Test
    void theDocumentedExampleRecordEncodesToExactlyTheDocumentedEvent() {
        ConsumerRecord<byte[], byte[]> r = record("mytopic", 0, 15, 1545084650987L, TimestampType.CREATE_TIME,
                utf8("key"), utf8("Hello, this is a test."), new RecordHeader("headerKey", utf8("headerValue")));

        byte[] event = selfManaged.singleRecordEvent(selfManaged.encode(r));

        assertThat(new String(event, StandardCharsets.UTF_8)).isEqualTo(
                "{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":\"b-2.demo:9092,b-1.demo:9092\","
                        + "\"records\":{\"mytopic-0\":[{\"topic\":\"mytopic\",\"partition\":0,\"offset\":15,"
                        + "\"timestamp\":1545084650987,\"timestampType\":\"CREATE_TIME\",\"key\":\"a2V5\","
                        + "\"value\":\"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==\","
                        + "\"headers\":[{\"headerKey\":[104,101,97,100,101,114,86,97,108,117,101]}]}]}}");
    }

    @Test
    void anMskEventPutsEventSourceThenArnThenBootstrapServersAsAwsExampleDoes() {
        byte[] event = msk.singleRecordEvent(msk.encode(simple("mytopic", 0, 15, "v")));

        assertThat(new String(event, StandardCharsets.UTF_8)).startsWith(
                "{\"eventSource\":\"aws:kafka\",\"eventSourceArn\":\"" + ARN + "\",\"bootstrapServers\":\""
                        + BOOTSTRAP + "\",\"records\":{\"mytopic-0\":[{\"topic\":\"mytopic\",");
    }

    // ------------------------------------------------------------------------------ parsed by the Lambda runtime

    @Test
    void theLambdaRuntimeParsesEveryFieldOfSeveralRecordsBackToTheSource() {
        List<ConsumerRecord<byte[], byte[]>> source = List.of(
                simple("orders", 3, 100, "first"),
                simple("orders", 3, 101, "second"),
                record("orders", 3, 102, 42L, TimestampType.CREATE_TIME, utf8("k"), utf8("third"),
                        new RecordHeader("a", utf8("1")), new RecordHeader("b", utf8("2"))));

        KafkaEvent event = parse(eventOf(selfManaged, source));

        assertThat(event.getEventSource()).isEqualTo("SelfManagedKafka");
        assertThat(event.getBootstrapServers()).isEqualTo(BOOTSTRAP);
        assertThat(event.getEventSourceArn()).isNull();
        assertThat(event.getRecords()).containsOnlyKeys("orders-3");
        List<KafkaEvent.KafkaEventRecord> parsed = event.getRecords().get("orders-3");
        assertThat(parsed).hasSize(3);
        for (int i = 0; i < source.size(); i++) {
            assertSameRecord(parsed.get(i), source.get(i));
        }
    }

    @Test
    void headersWithNonAsciiKeysAndNegativeBytesSurviveTheRuntimeParse() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        ConsumerRecord<byte[], byte[]> r = record("t", 0, 1, 5L, TimestampType.CREATE_TIME, utf8("k"), utf8("v"),
                new RecordHeader("clé-日本-😀", allBytes),
                new RecordHeader("quote\"back\\slash\nctl\u0001", new byte[] {-128, -1, 0, 127}));

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8))
                .contains("{\"quote\\\"back\\\\slash\\nctl\\u0001\":[-128,-1,0,127]}")
                .contains("\"clé-日本-😀\":[0,1,2,");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
    }

    @Test
    void duplicateHeaderKeysAreKeptInRecordOrder() {
        ConsumerRecord<byte[], byte[]> r = record("t", 0, 1, 5L, TimestampType.CREATE_TIME, null, utf8("v"),
                new RecordHeader("dup", utf8("one")), new RecordHeader("other", utf8("x")),
                new RecordHeader("dup", utf8("two")));

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8))
                .contains("\"headers\":[{\"dup\":[111,110,101]},{\"other\":[120]},{\"dup\":[116,119,111]}]");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
    }

    @Test
    void aKeylessRecordHasNoKeyField() {
        ConsumerRecord<byte[], byte[]> r =
                record("t", 0, 1, 5L, TimestampType.CREATE_TIME, null, utf8("v"));

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8))
                .contains("\"timestampType\":\"CREATE_TIME\",\"value\":\"dg==\",\"headers\":[]}")
                .doesNotContain("\"key\"");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
        assertThat(selfManaged.encode(r).key()).isNull();
    }

    @Test
    void aTombstoneHasNoValueFieldButKeepsItsKey() {
        ConsumerRecord<byte[], byte[]> r =
                record("t", 0, 1, 5L, TimestampType.CREATE_TIME, utf8("gone"), null);

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8))
                .contains("\"key\":\"Z29uZQ==\",\"headers\":[]}")
                .doesNotContain("\"value\"");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
    }

    @Test
    void aHeaderWithANullValueIsAnEmptyObjectInItsPlace() {
        ConsumerRecord<byte[], byte[]> r = record("t", 0, 1, 5L, TimestampType.CREATE_TIME, utf8("k"), utf8("v"),
                new RecordHeader("a", utf8("A")), new RecordHeader("nothing", (byte[]) null),
                new RecordHeader("b", new byte[0]));

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8)).contains("\"headers\":[{\"a\":[65]},{},{\"b\":[]}]");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
    }

    @Test
    void logAppendTimeAndNoTimestampTypePassThroughByEnumName() {
        ConsumerRecord<byte[], byte[]> appended =
                record("t", 0, 1, 77L, TimestampType.LOG_APPEND_TIME, utf8("k"), utf8("v"));
        ConsumerRecord<byte[], byte[]> none =
                record("t", 0, 2, -1L, TimestampType.NO_TIMESTAMP_TYPE, utf8("k"), utf8("v"));

        byte[] event = eventOf(selfManaged, List.of(appended, none));

        assertThat(new String(event, StandardCharsets.UTF_8))
                .contains("\"timestamp\":77,\"timestampType\":\"LOG_APPEND_TIME\"")
                .contains("\"timestamp\":-1,\"timestampType\":\"NO_TIMESTAMP_TYPE\"");
        List<KafkaEvent.KafkaEventRecord> parsed = parse(event).getRecords().get("t-0");
        assertSameRecord(parsed.get(0), appended);
        assertSameRecord(parsed.get(1), none);
    }

    @Test
    void anEmptyValueIsAnEmptyStringNotATombstone() {
        ConsumerRecord<byte[], byte[]> r =
                record("t", 0, 1, 5L, TimestampType.CREATE_TIME, new byte[0], new byte[0]);

        byte[] event = eventOf(selfManaged, List.of(r));

        assertThat(new String(event, StandardCharsets.UTF_8)).contains("\"key\":\"\",\"value\":\"\",\"headers\":[]}");
        assertSameRecord(parse(event).getRecords().get("t-0").get(0), r);
    }

    @Test
    void binaryKeysAndValuesThatAreNotUtf8RoundTripThroughBase64() {
        Random random = new Random(7);
        List<ConsumerRecord<byte[], byte[]>> source = new ArrayList<>();
        for (int len = 0; len < 12; len++) {
            byte[] key = new byte[len];
            byte[] value = new byte[len * 37 + 1];
            random.nextBytes(key);
            random.nextBytes(value);
            value[0] = (byte) 0xC3; // a lone UTF-8 lead byte: never valid text
            source.add(record("bin", 1, len, 5L, TimestampType.CREATE_TIME, key, value));
        }

        List<KafkaEvent.KafkaEventRecord> parsed = parse(eventOf(selfManaged, source)).getRecords().get("bin-1");

        for (int i = 0; i < source.size(); i++) {
            assertSameRecord(parsed.get(i), source.get(i));
        }
    }

    @Test
    void anMskEventCarriesItsSourceAndArnToTheRuntime() {
        ConsumerRecord<byte[], byte[]> r = simple("mytopic", 0, 15, "payload");

        KafkaEvent event = parse(eventOf(msk, List.of(r)));

        assertThat(event.getEventSource()).isEqualTo("aws:kafka");
        assertThat(event.getEventSourceArn()).isEqualTo(ARN);
        assertThat(event.getBootstrapServers()).isEqualTo(BOOTSTRAP);
        assertSameRecord(event.getRecords().get("mytopic-0").get(0), r);
    }

    @Test
    void recordsOfSeveralPartitionsAreGroupedInFirstSeenOrderKeepingListOrder() {
        List<ConsumerRecord<byte[], byte[]>> source = List.of(
                simple("b", 1, 10, "b1-10"),
                simple("a", 0, 5, "a0-5"),
                simple("b", 1, 11, "b1-11"),
                simple("b", 2, 1, "b2-1"),
                simple("a", 0, 6, "a0-6"));

        byte[] event = eventOf(selfManaged, source);

        String text = new String(event, StandardCharsets.UTF_8);
        assertThat(text.indexOf("\"b-1\":[")).isLessThan(text.indexOf("\"a-0\":["));
        assertThat(text.indexOf("\"a-0\":[")).isLessThan(text.indexOf("\"b-2\":["));
        KafkaEvent parsed = parse(event);
        assertThat(parsed.getRecords()).containsOnlyKeys("b-1", "a-0", "b-2");
        assertSameRecord(parsed.getRecords().get("b-1").get(0), source.get(0));
        assertSameRecord(parsed.getRecords().get("b-1").get(1), source.get(2));
        assertSameRecord(parsed.getRecords().get("a-0").get(0), source.get(1));
        assertSameRecord(parsed.getRecords().get("a-0").get(1), source.get(4));
        assertSameRecord(parsed.getRecords().get("b-2").get(0), source.get(3));
    }

    // ------------------------------------------------------------------------------------- sizes and reference

    @Test
    void eventSizeEqualsTheLengthOfTheEventForRandomRecords() {
        Random random = new Random(20260522);
        for (int round = 0; round < 500; round++) {
            KafkaEventEncoder encoder = random.nextBoolean() ? selfManaged : msk;
            String topic = randomString(random, 1 + random.nextInt(20));
            int partition = random.nextInt(4) == 0 ? random.nextInt(Integer.MAX_VALUE) : random.nextInt(10);
            int count = random.nextInt(30);
            List<EncodedRecord> records = new ArrayList<>();
            long sum = 0;
            for (int i = 0; i < count; i++) {
                EncodedRecord r = encoder.encode(randomRecord(random, topic, partition));
                records.add(r);
                sum += r.size();
            }

            byte[] event = encoder.event(records);

            assertThat(encoder.eventSize(topic, partition, count, sum))
                    .as("round %d: %d records of %s-%d", round, count, topic, partition)
                    .isEqualTo(event.length);
        }
    }

    @Test
    void randomEventsAreByteForByteWhatJacksonWritesForTheSameMaps() {
        Random random = new Random(99);
        for (int round = 0; round < 300; round++) {
            boolean isMsk = random.nextBoolean();
            KafkaEventEncoder encoder = isMsk ? msk : selfManaged;
            NaiveEventEncoder reference = new NaiveEventEncoder(
                    isMsk ? EventSourceKind.MSK : EventSourceKind.SELF_MANAGED, BOOTSTRAP, isMsk ? ARN : null);
            List<ConsumerRecord<byte[], byte[]>> source = new ArrayList<>();
            int count = random.nextInt(12);
            String[] topics = {randomString(random, 5), randomString(random, 3)};
            for (int i = 0; i < count; i++) {
                source.add(randomRecord(random, topics[random.nextInt(2)], random.nextInt(3)));
            }

            byte[] ours = eventOf(encoder, source);
            byte[] jackson = reference.event(source);
            int diff = java.util.Arrays.mismatch(ours, jackson);
            assertThat(diff)
                    .as("round %d: first difference at byte %d of %d; ours ...%s..., Jackson ...%s...", round, diff,
                            jackson.length, around(ours, diff), around(jackson, diff))
                    .isEqualTo(-1);
        }
    }

    @Test
    void anEncodedRecordKeepsItsCoordinatesAndOriginalKey() {
        byte[] key = {1, 2, 3};
        ConsumerRecord<byte[], byte[]> r =
                record("topic", 7, 123456789012L, 99L, TimestampType.CREATE_TIME, key, utf8("v"));

        EncodedRecord e = selfManaged.encode(r);

        assertThat(e.topic()).isEqualTo("topic");
        assertThat(e.partition()).isEqualTo(7);
        assertThat(e.offset()).isEqualTo(123456789012L);
        assertThat(e.timestamp()).isEqualTo(99L);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.size()).isEqualTo(e.json().length);
        assertThat(new String(e.json(), StandardCharsets.UTF_8)).startsWith("{\"topic\":\"topic\",\"partition\":7,")
                .endsWith("\"headers\":[]}");
    }

    @Test
    void anEmptyBatchIsAnEventWithNoRecordsAndEventSizeAgrees() {
        byte[] event = selfManaged.event(List.of());

        assertThat(new String(event, StandardCharsets.UTF_8)).isEqualTo(
                "{\"eventSource\":\"SelfManagedKafka\",\"bootstrapServers\":\"" + BOOTSTRAP + "\",\"records\":{}}");
        assertThat(selfManaged.eventSize("t", 0, 0, 0)).isEqualTo(event.length);
    }

    /** 0..199, and around the scratch array's sizes (4 KB at first, then 64 KB, then an array per value). */
    private static List<Integer> lengths() {
        List<Integer> lengths = new ArrayList<>();
        for (int len = 0; len < 200; len++) {
            lengths.add(len);
        }
        lengths.addAll(List.of(3071, 3072, 3073, 5000, 49151, 49152, 49153, 100_000, 7, 3073));
        return lengths;
    }

    @Test
    void ourBase64IsTheStandardAlphabetWithPadding() {
        Random random = new Random(3);
        for (int len : lengths()) {
            byte[] src = new byte[len];
            random.nextBytes(src);
            byte[] out = new byte[JsonBytes.base64Length(len) + 3];
            int end = JsonBytes.putBase64(out, 3, src);
            assertThat(end).isEqualTo(out.length);
            assertThat(new String(out, 3, end - 3, StandardCharsets.US_ASCII))
                    .isEqualTo(Base64.getEncoder().encodeToString(src));
        }
    }

    @Test
    void theEncoderSurvivesJavaSerializationAsFlinkShipsIt() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(msk);
        }
        KafkaEventEncoder copy;
        try (var in = new java.io.ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (KafkaEventEncoder) in.readObject();
        }
        ConsumerRecord<byte[], byte[]> r = simple("t", 0, 1, "v");

        assertThat(copy.singleRecordEvent(copy.encode(r))).isEqualTo(msk.singleRecordEvent(msk.encode(r)));
    }

    @Test
    void anMskEncoderNeedsAnArnAndASelfManagedOneRefusesIt() {
        assertThatThrownBy(() -> new KafkaEventEncoder(EventSourceKind.MSK, BOOTSTRAP, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventSourceArn");
        assertThatThrownBy(() -> new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, BOOTSTRAP, ARN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eventSourceArn");
    }

    // --------------------------------------------------------------------------------------- random generators

    private static final String ALPHABET = "abcXYZ019-_.\"\\\n\t\u0000\u001fé日😀\u007f/";

    private static String randomString(Random random, int length) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            int i = random.nextInt(ALPHABET.length());
            char c = ALPHABET.charAt(i);
            if (Character.isHighSurrogate(c)) {
                sb.append(c).append(ALPHABET.charAt(i + 1));
            } else if (!Character.isLowSurrogate(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static ConsumerRecord<byte[], byte[]> randomRecord(Random random, String topic, int partition) {
        byte[] key = random.nextInt(4) == 0 ? null : bytes(random, random.nextInt(40));
        byte[] value = random.nextInt(6) == 0 ? null : bytes(random, random.nextInt(2000));
        Header[] headers = new Header[random.nextInt(4)];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = new RecordHeader(randomString(random, random.nextInt(8)),
                    random.nextInt(5) == 0 ? null : bytes(random, random.nextInt(30)));
        }
        TimestampType[] types = TimestampType.values();
        long offset = random.nextInt(3) == 0 ? random.nextLong() & Long.MAX_VALUE : random.nextInt(1000);
        long timestamp = random.nextInt(10) == 0 ? -1 : 1_500_000_000_000L + random.nextInt(Integer.MAX_VALUE);
        return record(topic, partition, offset, timestamp, types[random.nextInt(types.length)], key, value, headers);
    }

    private static String around(byte[] b, int at) {
        int from = Math.max(0, at - 40);
        int to = Math.min(b.length, at + 40);
        return at < 0 ? "" : new String(b, from, Math.max(0, to - from), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}
