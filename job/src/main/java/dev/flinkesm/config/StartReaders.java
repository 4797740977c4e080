package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.show;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Readers and writer of where a mapping starts: StartingPosition and StartingPositionTimestamp. */
final class StartReaders {

    private StartReaders() {}

    static StartingPosition startingPosition(JsonNode node, String name, ParseRun run) {
        String position = run.requiredText(node, name);
        return position == null ? null : run.oneOf(position, name, StartingPosition.class);
    }

    /** Unix seconds (fractions kept to the nanosecond) or an ISO-8601 date-time; only with AT_TIMESTAMP. */
    static Instant startingPositionTimestamp(JsonNode node, String name, ParseRun run) {
        StartingPosition position = run.value(MappingFields.STARTING_POSITION);
        if (node == null) {
            if (position == StartingPosition.AT_TIMESTAMP) {
                run.violation("StartingPosition AT_TIMESTAMP requires StartingPositionTimestamp");
            }
            return null;
        }
        Instant timestamp = instant(node, run);
        if (position != null && position != StartingPosition.AT_TIMESTAMP) {
            run.violation("StartingPositionTimestamp is only allowed with StartingPosition AT_TIMESTAMP, not "
                    + position);
            return null;
        }
        return timestamp;
    }

    /** Unix seconds, written as an integer when whole. */
    static void writeTimestamp(ObjectNode root, String name, Instant instant) {
        root.put(name, BigDecimal.valueOf(instant.getEpochSecond())
                .add(BigDecimal.valueOf(instant.getNano(), 9))
                .stripTrailingZeros());
    }

    private static Instant instant(JsonNode node, ParseRun run) {
        try {
            if (node.isNumber()) {
                return fromUnixSeconds(node.decimalValue(), node, run);
            }
            if (node.isTextual()) {
                String text = node.textValue().trim();
                if (text.matches("-?\\d+(\\.\\d+)?")) {
                    return fromUnixSeconds(new BigDecimal(text), node, run);
                }
                return OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeException | ArithmeticException e) {
            // falls through to the violation below
        }
        run.violation("StartingPositionTimestamp " + show(node) + " is not Unix seconds or an ISO-8601 date-time");
        return null;
    }

    private static Instant fromUnixSeconds(BigDecimal seconds, JsonNode node, ParseRun run) {
        if (seconds.signum() < 0) {
            run.violation("StartingPositionTimestamp " + show(node) + " must not be negative");
            return null;
        }
        // Fractions beyond nanoseconds are cut off: Instant cannot hold them.
        long whole = seconds.toBigInteger().longValueExact();
        int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
        return Instant.ofEpochSecond(whole, nanos);
    }
}
