package dev.flinkesm.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The rows of one run by key, in the order they were measured: what the JSON's {@code rows} holds. */
final class BenchRows {
    private final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();

    void put(String id, Map<String, Object> row) {
        rows.put(id, row);
    }

    Map<String, Object> get(String id) {
        return rows.get(id);
    }

    Map<String, Map<String, Object>> asMap() {
        return rows;
    }

    /** A row's numeric field, NaN when the row or the field is missing (so ratios of rows not run are NaN). */
    double num(String id, String field) {
        Map<String, Object> r = rows.get(id);
        Object v = r == null ? null : r.get(field);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    double rate(String id) {
        return num(id, "recordsPerSecond");
    }
}
