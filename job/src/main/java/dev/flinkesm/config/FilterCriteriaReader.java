package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.get;
import static dev.flinkesm.config.ParseRun.quote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.filter.FilterCriteria;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reader and writer of FilterCriteria: each pattern checked by event-ruler, at most 4,096 characters, and at most
 * as many filters as the quota of the parse ({@link ParseSettings#filterQuota()}).
 */
final class FilterCriteriaReader {

    private static final String PATH = "FilterCriteria";

    private FilterCriteriaReader() {}

    /** The patterns as given, in order; {@code {}} and {@code {"Filters": []}} mean no filters. */
    static List<String> read(JsonNode criteria, String name, ParseRun run) {
        if (criteria == null || !run.object(criteria, PATH, Set.of("Filters"))) {
            return null;
        }
        JsonNode filters = get(criteria, "Filters");
        if (filters == null) {
            return null;
        }
        if (!run.array(filters, PATH + ".Filters", "{Pattern}")) {
            return null;
        }
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            String pattern = pattern(filters.get(i), PATH + ".Filters[" + i + "]", run);
            if (pattern != null) {
                patterns.add(pattern);
            }
        }
        String tooMany = run.settings().filterQuota().violation(PATH + ".Filters", filters.size());
        if (tooMany != null) {
            run.violation(tooMany);
        }
        return patterns;
    }

    static void write(ObjectNode root, String name, List<String> patterns) {
        ArrayNode filters = root.putObject(name).putArray("Filters");
        patterns.forEach(p -> filters.addObject().put("Pattern", p));
    }

    private static String pattern(JsonNode filter, String filterPath, ParseRun run) {
        if (!run.object(filter, filterPath, Set.of("Pattern"))) {
            return null;
        }
        String pattern = run.requiredText(get(filter, "Pattern"), filterPath + ".Pattern");
        if (pattern == null) {
            return null;
        }
        if (pattern.length() > FilterCriteria.MAX_PATTERN_LENGTH) {
            run.violation(filterPath + ".Pattern is " + pattern.length() + " characters long; at most "
                    + FilterCriteria.MAX_PATTERN_LENGTH + " are allowed");
            return null;
        }
        if (!isJsonObject(pattern)) {
            run.violation(filterPath + ".Pattern " + quote(pattern) + " is not a JSON object");
            return null;
        }
        Optional<String> problem = FilterCriteria.problem(pattern);
        if (problem.isPresent()) {
            run.violation(filterPath + ".Pattern is not a valid filter pattern: " + problem.get());
            return null;
        }
        return pattern;
    }

    private static boolean isJsonObject(String text) {
        try {
            JsonNode node = ParseRun.JSON.readTree(text);
            return node != null && node.isObject();
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
