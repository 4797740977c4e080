package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's result: rows, the ratios between them, each phase's targets and the CPU model, as the JSON written to
 * {@code bench-results/bench-<timestamp>.json} and as the table printed on stdout. Ratios and targets of rows that did
 * not run are NaN, written as null and printed as "n/a" / "not run".
 */
final class BenchReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** PASS/FAIL lines against a goal, in the order phases add them; never asserted by a test. */
    static final class Targets {
        private final List<Map<String, Object>> list = new ArrayList<>();

        void add(String name, double value, String goal, boolean ok) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", name);
            m.put("value", Double.isNaN(value) ? null : value);
            m.put("goal", goal);
            m.put("result", Double.isNaN(value) ? "not run" : ok ? "PASS" : "FAIL");
            list.add(m);
        }

        /** The slow-function target of row {@code id}: at least 90 % of its ideal, reached within 10 s. */
        void addIdeal(String label, BenchRows rows, String id) {
            double f = rows.num(id, "fractionOfIdeal");
            double s = rows.num(id, "secondsTo90Percent");
            add(label + ": >= 90 % of ideal within 10 s", f, ">= 0.9 (90 % after "
                    + (Double.isNaN(s) ? "never" : String.format("%.1f s", s)) + ")", f >= 0.9 && s <= 10);
        }

        List<Map<String, Object>> asList() {
            return list;
        }
    }

    private final BenchRows rows;
    private final List<BenchPhase> phases;

    BenchReport(BenchRows rows, List<BenchPhase> phases) {
        this.rows = rows;
        this.phases = phases;
    }

    /** The JSON document; {@code header} holds the entries before {@code rows} (timestamp, machine, records...). */
    Map<String, Object> result(Map<String, Object> header, Map<String, Object> extra) {
        Map<String, Object> result = new LinkedHashMap<>(header);
        result.put("rows", rows.asMap());
        result.put("ratios", ratios());
        result.put("targets", targets());
        result.put("cpuModel", cpuModel());
        result.putAll(extra);
        return result;
    }

    static Path write(Map<String, Object> result, Path out, String stamp) throws IOException {
        Path file = out.resolve("bench-" + stamp + ".json");
        JSON.writeValue(file.toFile(), result);
        return file;
    }

    Map<String, Object> ratios() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job/source (4/2)", rows.rate("job-b100") / rows.rate("source"));
        m.put("job/limit (4/1)", rows.rate("job-b100") / rows.rate("limit"));
        m.put("job/baseline (4/3)", rows.rate("job-b100") / rows.rate("baseline-b100"));
        m.put("job b1000/source", rows.rate("job-b1000") / rows.rate("source"));
        m.put("job b1000/limit", rows.rate("job-b1000") / rows.rate("limit"));
        m.put("job b1000/baseline b100", rows.rate("job-b1000") / rows.rate("baseline-b100"));
        m.put("job b1000/baseline b1000", rows.rate("job-b1000") / rows.rate("baseline-b1000"));
        m.put("latency p99 job/plain consumer", rows.num("latency", "p99Ms") / rows.num("latency-limit", "p99Ms"));
        m.put("job 20ms/baseline 20ms", rows.rate("job-20ms") / rows.rate("baseline-20ms"));
        m.put("job CPU/M / baseline CPU/M", rows.num("job-b100", "cpuSecondsPerMillion")
                / rows.num("baseline-b100", "cpuSecondsPerMillion"));
        m.put("peak heap 10x / 1x", rows.num("memory-10x", "peakHeapMb") / rows.num("memory-1x", "peakHeapMb"));
        m.put("peak live heap 10x / 1x",
                rows.num("memory-10x", "peakLiveHeapMb") / rows.num("memory-1x", "peakLiveHeapMb"));
        m.put("VmHWM 10x / 1x", rows.num("memory-10x", "vmHwmMb") / rows.num("memory-1x", "vmHwmMb"));
        return m;
    }

    List<Map<String, Object>> targets() {
        Targets t = new Targets();
        for (BenchPhase phase : phases) {
            phase.targets(rows, t);
        }
        return t.asList();
    }

    /**
     * CPU per million records = per-record part + invocations per million x per-invocation part, solved from the
     * BatchSize 100 and 1,000 rows (same records, 10x fewer invocations).
     */
    Map<String, Object> cpuModel() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String who : List.of("job", "baseline")) {
            double c100 = rows.num(who + "-b100", "cpuSecondsPerMillion");
            double c1000 = rows.num(who + "-b1000", "cpuSecondsPerMillion");
            double perInvocation = (c100 - c1000) / (10_000 - 1_000); // seconds
            double perRecordPart = c1000 - perInvocation * 1_000; // seconds per million records
            m.put(who + " CPU ms per invocation", perInvocation * 1000);
            m.put(who + " CPU s per million records, invocations aside", perRecordPart);
        }
        return m;
    }

    /** The table printed at the end of a run: rows, each phase's summary lines, ratios, CPU model, targets. */
    @SuppressWarnings("unchecked")
    String table(Map<String, Object> result, double totalSeconds) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        sb.append(String.format("%n%d records of %d B (16 B key, 1 KB value, one header), %d partitions; "
                        + "%s cores; load before %s, after %s%n%n", result.get("records"), BenchData.RECORD_BYTES,
                BenchContext.PARTITIONS, machine.get("cores"), machine.get("loadavgBefore"),
                machine.get("loadavgAfter")));
        // the row column is 14 wide unless a key is longer (the scale rows')
        int width = 14;
        for (String id : rows.asMap().keySet()) {
            width = Math.max(width, id.length());
        }
        String key = "%-" + width + "s";
        sb.append(String.format(key + " %-48s %9s %9s %7s %8s %8s %8s %7s%n", "row", "what", "records", "rec/s",
                "MB/s", "CPU s/M", "host s/M", "brkr s/M", "rec/inv"));
        for (Map.Entry<String, Map<String, Object>> e : rows.asMap().entrySet()) {
            Map<String, Object> r = e.getValue();
            if (e.getKey().startsWith("memory") || e.getKey().endsWith("-warm")) {
                continue;
            }
            sb.append(String.format(key + " %-48s %9d %9.0f %7.1f %8.2f %8.2f %8.2f %7s%n", e.getKey(),
                    r.get("name"), r.get("records"), r.get("recordsPerSecond"), r.get("mbPerSecond"),
                    r.get("cpuSecondsPerMillion"), r.get("hostCpuSecondsPerMillion"),
                    r.get("brokerCpuSecondsPerMillion"),
                    r.get("recordsPerInvocation") == null ? "" : String.format("%.0f", r.get("recordsPerInvocation"))));
        }
        sb.append('\n');
        for (BenchPhase phase : phases) {
            phase.summary(rows, line -> sb.append(line).append('\n'));
        }
        sb.append("\nratios\n");
        ((Map<String, Object>) result.get("ratios")).forEach((k, v) ->
                sb.append(String.format("  %-32s %s%n", k, v instanceof Double d && !d.isNaN()
                        ? String.format("%.2f", d) : "n/a")));
        sb.append("\nCPU model (from BatchSize 100 vs 1,000)\n");
        ((Map<String, Object>) result.get("cpuModel")).forEach((k, v) ->
                sb.append(String.format("  %-48s %s%n", k, v instanceof Double d && !d.isNaN()
                        ? String.format("%.2f", d) : "n/a")));
        sb.append("\ntargets\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) result.get("targets")) {
            Object v = t.get("value");
            sb.append(String.format("  %-4s %-52s %8s  (goal %s)%n", t.get("result"), t.get("target"),
                    v == null ? "n/a" : String.format("%.2f", (Double) v), t.get("goal")));
        }
        sb.append(String.format("%ntotal %.0f s%n", totalSeconds));
        return sb.toString();
    }
}
