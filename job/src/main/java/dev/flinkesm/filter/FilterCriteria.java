package dev.flinkesm.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.event.ruler.JsonRuleCompiler;

/**
 * Lambda's {@code FilterCriteria} for Kafka, with AWS's own pattern engine (event-ruler): checking patterns when a
 * mapping is parsed, compiling them into a {@link RecordFilter} where records are read.
 *
 * <p>What a pattern can match, per record (see {@link FilterEvent}): {@code topic}, {@code partition}, {@code offset},
 * {@code timestamp}, {@code timestampType}, and {@code value} decoded as UTF-8, a JSON object matched as an object and
 * anything else as a string. Beyond AWS: {@code key}, decoded like the value, and {@code headers}, by header name.
 * Format mismatches follow Lambda's table ({@link PatternRules}).
 *
 * <p>Rules not confirmed from AWS's text, chosen here and covered by {@code FilterCriteriaTest}:
 * <ul>
 *   <li>"valid JSON" means a JSON object: a value that is a JSON array, number or string is a plain string;
 *   <li>"filters on the other metadata properties only" drops the pattern's {@code value} part; when nothing else is
 *       left the record passes (AWS's Kinesis table says "drops the record" for its mismatch rows; the Kafka table
 *       does not, and we follow the Kafka table's words);
 *   <li>a tombstone (null value) has no {@code value} field: only {@code {"exists": false}} matches it;
 *   <li>exact matching of numbers is event-ruler's (by value: {@code 300} matches {@code 300.0}), not EventBridge's
 *       documented "300 is not 300.0";
 *   <li>extensions: {@code key} follows the value's rules (a keyless record has no {@code key}); a header value that
 *       is null or not UTF-8 is no value of its name.
 * </ul>
 */
public final class FilterCriteria {
    /** AWS's default quota of filters per mapping; AWS raises it to 10 on request, here {@link FilterQuota} does. */
    public static final int DEFAULT_MAX_FILTERS = 5;
    /** The most filters AWS allows with a raised quota. */
    public static final int QUOTA_MAX_FILTERS = 10;
    /** Characters per pattern. */
    public static final int MAX_PATTERN_LENGTH = 4096;

    private static final Pattern JACKSON_LOCATION =
            Pattern.compile("\\s*at \\[Source: .*?line: (\\d+), column: (\\d+)]", Pattern.DOTALL);

    private FilterCriteria() {}

    /** Why event-ruler (or Lambda's Kafka rules) refuse {@code pattern}, or empty when it is a valid pattern. */
    public static Optional<String> problem(String pattern) {
        String reason = JsonRuleCompiler.check(pattern);
        if (reason != null) {
            return Optional.of(withoutEcho(reason));
        }
        ObjectNode node;
        try {
            JsonNode parsed = PatternRules.parse(pattern);
            if (!parsed.isObject()) {
                return Optional.of("a pattern must be a JSON object");
            }
            node = (ObjectNode) parsed;
        } catch (JsonProcessingException e) {
            return Optional.of(withoutEcho(e.getOriginalMessage()));
        }
        return Optional.ofNullable(PatternRules.problem(node));
    }

    /** All {@code patterns} in one machine. Each must be valid ({@link #problem}); IllegalArgumentException if not. */
    public static RecordFilter compile(List<String> patterns) {
        List<ObjectNode> nodes = new ArrayList<>(patterns.size());
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            Optional<String> problem = problem(pattern);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("FilterCriteria.Filters[" + i + "].Pattern: " + problem.get());
            }
            try {
                nodes.add(PatternRules.parse(pattern));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(e); // problem() parsed it already
            }
        }
        return new RecordFilter(nodes);
    }

    /** event-ruler's reason without Jackson's echo of the whole pattern: "reason (line 1, column 3)". */
    private static String withoutEcho(String reason) {
        Matcher at = JACKSON_LOCATION.matcher(reason);
        if (at.find()) {
            return reason.substring(0, at.start()).trim() + " (line " + at.group(1) + ", column " + at.group(2) + ")";
        }
        return reason.trim();
    }
}
