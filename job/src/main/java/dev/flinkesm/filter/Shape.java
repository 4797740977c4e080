package dev.flinkesm.filter;

import java.util.Locale;

/**
 * What a record's value (or key) looks like once decoded, and so which filter patterns apply to it in full.
 *
 * <p>Lambda's Kafka format table: a plain-string pattern applies to a plain-string message, a JSON pattern to a JSON
 * message; any other pairing, and a value that is not UTF-8, "filters on the other metadata properties only".
 */
enum Shape {
    /** Valid UTF-8 whose text is one JSON object: matched as that object. */
    JSON,
    /** Valid UTF-8 that is not a JSON object (including JSON arrays, numbers and strings): matched as a string. */
    STRING,
    /** Not valid UTF-8 (Avro, Protobuf, compressed bytes...): never matched; its part of a pattern is skipped. */
    BINARY,
    /** No value at all (a tombstone) or no key: the field is absent, so only {@code exists: false} matches it. */
    ABSENT;

    /** The value the guard field holds in a filter event. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
