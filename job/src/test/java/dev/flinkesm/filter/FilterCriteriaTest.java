package dev.flinkesm.filter;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Lambda's Kafka filtering, example by example: the patterns of AWS's filter rule syntax table and Kafka filtering
 * page, each against a JSON value, a plain-string value and bytes that are not UTF-8.
 */
class FilterCriteriaTest {

    /** Not valid UTF-8 (0xC3 starts a two-byte sequence that 0x28 does not continue): an Avro-like payload. */
    private static final byte[] BINARY = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF};

    private static final class Rec {
        String topic = "orders";
        int partition = 0;
        long offset = 15;
        long timestamp = 1545084650987L;
        byte[] key;
        byte[] value;
        final RecordHeaders headers = new RecordHeaders();

        Rec value(String text) {
            value = text == null ? null : text.getBytes(UTF_8);
            return this;
        }

        Rec value(byte[] bytes) {
            value = bytes;
            return this;
        }

        Rec key(String text) {
            key = text.getBytes(UTF_8);
            return this;
        }

        Rec topic(String t) {
            topic = t;
            return this;
        }

        Rec header(String name, byte[] v) {
            headers.add(name, v);
            return this;
        }

        Rec header(String name, String v) {
            return header(name, v.getBytes(UTF_8));
        }

        ConsumerRecord<byte[], byte[]> build() {
            return new ConsumerRecord<>(topic, partition, offset, timestamp, TimestampType.CREATE_TIME,
                    key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers,
                    Optional.empty());
        }
    }

    private static Rec json(String text) {
        return new Rec().value(text);
    }

    private static Rec string(String text) {
        return new Rec().value(text);
    }

    private static Rec binary() {
        return new Rec().value(BINARY);
    }

    private static boolean passes(String pattern, Rec record) {
        return FilterCriteria.compile(List.of(pattern)).matches(record.build());
    }

    private static boolean passes(List<String> patterns, Rec record) {
        return FilterCriteria.compile(patterns).matches(record.build());
    }

    @Nested
    class AwsKafkaPageExamples {
        private static final String DEVICE_PREFIX = "{ \"value\" : { \"device_ID\" : [ { \"prefix\": \"AB\" } ] } }";
        private static final String NOT_ERROR = "{ \"value\" : [ { \"anything-but\": [ \"error\" ] } ] }";

        @Test
        void aJsonPatternMatchesInsideAJsonValue() {
            assertThat(passes(DEVICE_PREFIX,
                    json("{\"device_ID\":\"AB1234\",\"session\":{\"start_time\":\"t\",\"duration\":162}}")))
                    .isTrue();
            assertThat(passes(DEVICE_PREFIX, json("{\"device_ID\":\"XY1234\"}"))).isFalse();
        }

        @Test
        void aStringPatternMatchesAPlainStringValue() {
            assertThat(passes(NOT_ERROR, string("all good"))).isTrue();
            assertThat(passes(NOT_ERROR, string("error"))).isFalse();
        }

        @Test
        void aJsonPatternOnAPlainStringOrBinaryValueFiltersOnTheOtherFieldsOnly() {
            // Nothing but the value in the pattern: nothing left to filter on, so the record passes.
            assertThat(passes(DEVICE_PREFIX, string("AB1234"))).isTrue();
            assertThat(passes(DEVICE_PREFIX, binary())).isTrue();
        }

        @Test
        void aStringPatternOnAJsonOrBinaryValueFiltersOnTheOtherFieldsOnly() {
            assertThat(passes(NOT_ERROR, json("{\"a\":\"error\"}"))).isTrue();
            assertThat(passes(NOT_ERROR, binary())).isTrue();
        }

        @Test
        void onAMismatchTheMetadataPartOfThePatternStillDecides() {
            String pattern = "{\"topic\":[\"orders\"],\"value\":{\"device_ID\":[{\"prefix\":\"AB\"}]}}";
            assertThat(passes(pattern, string("XY"))).isTrue();
            assertThat(passes(pattern, string("XY").topic("payments"))).isFalse();
            assertThat(passes(pattern, binary())).isTrue();
            assertThat(passes(pattern, binary().topic("payments"))).isFalse();
            // Formats that fit: the value part decides too.
            assertThat(passes(pattern, json("{\"device_ID\":\"XY\"}"))).isFalse();
        }

        @Test
        void aPatternWithoutAValuePartFiltersOnMetadataForEveryFormat() {
            String pattern = "{\"topic\":[\"orders\"],\"partition\":[0]}";
            for (Rec r : List.of(json("{\"a\":1}"), string("text"), binary())) {
                assertThat(passes(pattern, r)).isTrue();
                assertThat(passes(pattern, r.topic("payments"))).isFalse();
            }
        }
    }

    /** AWS's "filter rule syntax" table, each row against a JSON value; string and binary values take the mismatch rows. */
    @Nested
    class RuleSyntaxTable {
        private void row(String valuePattern, String passingJson, String failingJson) {
            String pattern = "{\"topic\":[\"orders\"],\"value\":" + valuePattern + "}";
            assertThat(passes(pattern, json(passingJson))).as("%s on %s", pattern, passingJson).isTrue();
            assertThat(passes(pattern, json(failingJson))).as("%s on %s", pattern, failingJson).isFalse();
            // Mismatched formats: only the topic decides.
            assertThat(passes(pattern, string("plain text"))).isTrue();
            assertThat(passes(pattern, binary())).isTrue();
            assertThat(passes(pattern, string("plain text").topic("other"))).isFalse();
            assertThat(passes(pattern, binary().topic("other"))).isFalse();
        }

        @Test
        void nullValue() {
            row("{\"UserID\":[null]}", "{\"UserID\":null}", "{\"UserID\":\"u1\"}");
        }

        @Test
        void empty() {
            row("{\"LastName\":[\"\"]}", "{\"LastName\":\"\"}", "{\"LastName\":\"Doe\"}");
        }

        @Test
        void equals() {
            row("{\"Name\":[\"Alice\"]}", "{\"Name\":\"Alice\"}", "{\"Name\":\"alice\"}");
        }

        @Test
        void equalsIgnoreCase() {
            row("{\"Name\":[{\"equals-ignore-case\":\"alice\"}]}", "{\"Name\":\"ALICE\"}", "{\"Name\":\"Bob\"}");
        }

        @Test
        void and() {
            row("{\"Location\":[\"New York\"],\"Day\":[\"Monday\"]}",
                    "{\"Location\":\"New York\",\"Day\":\"Monday\"}", "{\"Location\":\"New York\",\"Day\":\"Friday\"}");
        }

        @Test
        void or() {
            row("{\"PaymentType\":[\"Credit\",\"Debit\"]}", "{\"PaymentType\":\"Debit\"}", "{\"PaymentType\":\"Cash\"}");
        }

        @Test
        void orAcrossFields() {
            row("{\"$or\":[{\"Location\":[\"New York\"]},{\"Day\":[\"Monday\"]}]}",
                    "{\"Location\":\"Paris\",\"Day\":\"Monday\"}", "{\"Location\":\"Paris\",\"Day\":\"Friday\"}");
        }

        @Test
        void not() {
            row("{\"Weather\":[{\"anything-but\":[\"Raining\"]}]}", "{\"Weather\":\"Sunny\"}",
                    "{\"Weather\":\"Raining\"}");
        }

        @Test
        void numericEquals() {
            row("{\"Price\":[{\"numeric\":[\"=\",100]}]}", "{\"Price\":100.0}", "{\"Price\":101}");
        }

        @Test
        void numericRange() {
            row("{\"Price\":[{\"numeric\":[\">\",10,\"<=\",20]}]}", "{\"Price\":20}", "{\"Price\":10}");
        }

        @Test
        void exists() {
            row("{\"ProductName\":[{\"exists\":true}]}", "{\"ProductName\":\"p\"}", "{\"Other\":1}");
        }

        @Test
        void doesNotExist() {
            row("{\"ProductName\":[{\"exists\":false}]}", "{\"Other\":1}", "{\"ProductName\":\"p\"}");
        }

        @Test
        void beginsWith() {
            row("{\"Region\":[{\"prefix\":\"us-\"}]}", "{\"Region\":\"us-east-1\"}", "{\"Region\":\"eu-west-1\"}");
        }

        @Test
        void endsWith() {
            row("{\"FileName\":[{\"suffix\":\".png\"}]}", "{\"FileName\":\"cat.png\"}", "{\"FileName\":\"cat.jpg\"}");
        }

        @Test
        void nested() {
            row("{\"session\":{\"duration\":[{\"numeric\":[\">\",100]}]}}", "{\"session\":{\"duration\":162}}",
                    "{\"session\":{\"duration\":12}}");
        }
    }

    /** The same operators on a plain-string value: there the JSON value and the binary bytes are the mismatches. */
    @Nested
    class PlainStringPatterns {
        private void row(String valuePattern, String passing, String failing) {
            String pattern = "{\"topic\":[\"orders\"],\"value\":" + valuePattern + "}";
            assertThat(passes(pattern, string(passing))).as("%s on %s", pattern, passing).isTrue();
            assertThat(passes(pattern, string(failing))).as("%s on %s", pattern, failing).isFalse();
            assertThat(passes(pattern, json("{\"a\":1}"))).isTrue();
            assertThat(passes(pattern, binary())).isTrue();
            assertThat(passes(pattern, json("{\"a\":1}").topic("other"))).isFalse();
            assertThat(passes(pattern, binary().topic("other"))).isFalse();
        }

        @Test
        void equalsPrefixSuffixIgnoreCaseAnythingButAndEmpty() {
            row("[\"hello\"]", "hello", "hello!");
            row("[{\"prefix\":\"ERR\"}]", "ERR: disk", "WARN: disk");
            row("[{\"suffix\":\".png\"}]", "cat.png", "cat.jpg");
            row("[{\"equals-ignore-case\":\"hello\"}]", "HeLLo", "bye");
            row("[{\"anything-but\":[\"error\"]}]", "fine", "error");
            row("[\"\"]", "", " ");
        }

        @Test
        void jsonThatIsNotAnObjectIsAPlainString() {
            assertThat(passes("{\"value\":[\"123\"]}", string("123"))).isTrue();
            assertThat(passes("{\"value\":[\"[1,2]\"]}", string("[1,2]"))).isTrue();
            assertThat(passes("{\"value\":[\"{not json\"]}", string("{not json"))).isTrue();
            assertThat(passes("{\"value\":[\"x\"]}", string("{\"a\":1} trailing"))).isFalse();
        }

        @Test
        void numbersInAStringAreNotNumeric() {
            assertThat(passes("{\"topic\":[\"x\"],\"value\":[{\"numeric\":[\"=\",300]}]}", string("300")))
                    .isFalse();
        }
    }

    /**
     * EventBridge's text says 300, 300.0 and 3.0e2 are not equal unless matched with numeric; event-ruler 1.8.1, the
     * library AWS ships for these patterns, compares numbers by value in exact matching too. We follow the library:
     * this test pins its behaviour so an upgrade that changes it is noticed.
     */
    @Nested
    class Numbers {
        @Test
        void exactAndNumericMatchingBothCompareNumbersByValue() {
            String exact = "{\"value\":{\"n\":[300]}}";
            String numeric = "{\"value\":{\"n\":[{\"numeric\":[\"=\",300]}]}}";
            for (String n : List.of("300", "300.0", "3.0e2")) {
                assertThat(passes(exact, json("{\"n\":" + n + "}"))).as(n).isTrue();
                assertThat(passes(numeric, json("{\"n\":" + n + "}"))).as(n).isTrue();
            }
            assertThat(passes(exact, json("{\"n\":301}"))).isFalse();
        }

        @Test
        void aNumberAndAStringOfItsDigitsAreDifferent() {
            assertThat(passes("{\"value\":{\"n\":[300]}}", json("{\"n\":\"300\"}"))).isFalse();
            assertThat(passes("{\"value\":{\"n\":[\"300\"]}}", json("{\"n\":300}"))).isFalse();
            assertThat(passes("{\"value\":{\"n\":[\"300\"]}}", json("{\"n\":\"300\"}"))).isTrue();
        }
    }

    @Nested
    class Metadata {
        @Test
        void topicPartitionOffsetTimestampAndItsTypeAreMatchable() {
            Rec r = json("{\"a\":1}");
            assertThat(passes("{\"partition\":[0],\"offset\":[{\"numeric\":[\">=\",15]}]}", r)).isTrue();
            assertThat(passes("{\"offset\":[{\"numeric\":[\">\",15]}]}", r)).isFalse();
            assertThat(passes("{\"timestamp\":[{\"numeric\":[\">\",1545084650000]}]}", r)).isTrue();
            assertThat(passes("{\"timestampType\":[\"CREATE_TIME\"]}", r)).isTrue();
            assertThat(passes("{\"timestampType\":[\"LOG_APPEND_TIME\"]}", r)).isFalse();
        }

        @Test
        void aTopLevelOrMixesValueAndMetadata() {
            String pattern = "{\"$or\":[{\"value\":{\"kind\":[\"order\"]}},{\"topic\":[\"audit\"]}]}";
            assertThat(passes(pattern, json("{\"kind\":\"order\"}"))).isTrue();
            assertThat(passes(pattern, json("{\"kind\":\"refund\"}"))).isFalse();
            assertThat(passes(pattern, json("{\"kind\":\"refund\"}").topic("audit"))).isTrue();
        }

        @Test
        void aTombstoneHasNoValue() {
            Rec tombstone = new Rec().value((String) null);
            assertThat(passes("{\"value\":[{\"exists\":false}]}", tombstone)).isTrue();
            assertThat(passes("{\"value\":{\"a\":[{\"exists\":false}]}}", tombstone)).isTrue();
            assertThat(passes("{\"value\":[\"x\"]}", tombstone)).isFalse();
            assertThat(passes("{\"value\":[{\"exists\":false}]}", string("x"))).isFalse();
        }
    }

    @Nested
    class Filters {
        @Test
        void aRecordPassesWhenAnyFilterMatches() {
            List<String> both = List.of("{\"value\":{\"a\":[1]}}", "{\"value\":{\"b\":[2]}}");
            assertThat(passes(both, json("{\"a\":1}"))).isTrue();
            assertThat(passes(both, json("{\"b\":2}"))).isTrue();
            assertThat(passes(both, json("{\"a\":2,\"b\":1}"))).isFalse();
        }

        @Test
        void aMismatchInOneFilterLetsTheRecordPassWhateverTheOthersSay() {
            List<String> mixed = List.of("{\"value\":{\"a\":[1]}}", "{\"value\":[\"x\"]}");
            assertThat(passes(mixed, string("y"))).isTrue(); // filter 0 mismatches: nothing left to filter on
        }
    }

    /** Beyond AWS: the key, decoded like the value, and headers by name. */
    @Nested
    class KeyAndHeaders {
        @Test
        void aKeyIsMatchedAsAStringOrAsJson() {
            assertThat(passes("{\"key\":[{\"prefix\":\"customer-\"}]}", json("{}").key("customer-7"))).isTrue();
            assertThat(passes("{\"key\":[{\"prefix\":\"customer-\"}]}", json("{}").key("vendor-7"))).isFalse();
            assertThat(passes("{\"key\":{\"region\":[\"eu\"]}}", json("{}").key("{\"region\":\"eu\"}"))).isTrue();
            assertThat(passes("{\"key\":{\"region\":[\"eu\"]}}", json("{}").key("{\"region\":\"us\"}"))).isFalse();
        }

        @Test
        void aKeylessRecordHasNoKey() {
            assertThat(passes("{\"key\":[{\"exists\":false}]}", json("{}"))).isTrue();
            assertThat(passes("{\"key\":[\"k\"]}", json("{}"))).isFalse();
        }

        @Test
        void keyAndValueFormatsAreDecidedSeparately() {
            String pattern = "{\"key\":[\"k1\"],\"value\":{\"a\":[1]}}";
            assertThat(passes(pattern, string("not json").key("k1"))).isTrue();
            assertThat(passes(pattern, string("not json").key("k2"))).isFalse();
            assertThat(passes(pattern, json("{\"a\":2}").key("k1"))).isFalse();
        }

        @Test
        void aHeaderIsMatchedByNameOnAnyOfItsValues() {
            String pattern = "{\"headers\":{\"type\":[\"order\"]}}";
            assertThat(passes(pattern, json("{}").header("type", "order"))).isTrue();
            assertThat(passes(pattern, json("{}").header("type", "refund").header("type", "order"))).isTrue();
            assertThat(passes(pattern, json("{}").header("type", "refund"))).isFalse();
            assertThat(passes(pattern, json("{}").header("kind", "order"))).isFalse();
        }

        @Test
        void aHeaderValueThatIsNotUtf8OrNullIsNoValue() {
            assertThat(passes("{\"headers\":{\"type\":[{\"exists\":true}]}}", json("{}").header("type", BINARY)))
                    .isFalse();
            assertThat(passes("{\"headers\":{\"type\":[{\"exists\":false}]}}", json("{}").header("type", (byte[]) null)))
                    .isTrue();
            assertThat(passes("{\"headers\":{\"type\":[{\"prefix\":\"ord\"}]}}",
                    json("{}").header("type", BINARY).header("type", "order"))).isTrue();
        }
    }

    @Nested
    class Validation {
        @Test
        void eventRulersReasonWithoutEchoingThePattern() {
            assertThat(FilterCriteria.problem("{\"value\":[{\"numeric\":[\">\",\"x\"]}]}")).isPresent();
            assertThat(FilterCriteria.problem("{\"value\":{}}"))
                    .contains("Empty objects are not allowed (line 1, column 12)");
            assertThat(FilterCriteria.problem("{\"value\":[{\"prefix\":\"AB\"}]}")).isEmpty();
        }

        @Test
        void headersTakeAnObjectOfNames() {
            assertThat(FilterCriteria.problem("{\"headers\":[\"x\"]}"))
                    .contains("\"headers\" must be an object keyed by header name, e.g. "
                            + "{\"headers\":{\"type\":[\"order\"]}}");
        }

        @Test
        void theGuardFieldNamesAreReserved() {
            assertThat(FilterCriteria.problem("{\"$esmValueShape\":[\"json\"]}"))
                    .contains("field names starting with $esm are reserved");
        }

        @Test
        void aFieldBothInsideAndOutsideAnOrOnValueIsRefused() {
            assertThat(FilterCriteria.problem(
                    "{\"topic\":[\"a\"],\"$or\":[{\"value\":[\"x\"]},{\"topic\":[\"b\"]}]}"))
                    .contains("\"topic\" is matched both inside and outside a $or that names value or key; move it "
                            + "into every $or branch");
        }

        @Test
        void compilingAnInvalidPatternFailsNamingTheFilter() {
            assertThatThrownBy(() -> FilterCriteria.compile(List.of("{\"value\":[\"x\"]}", "{\"a\":[]}")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("FilterCriteria.Filters[1].Pattern: Empty arrays are not allowed");
        }
    }
}
