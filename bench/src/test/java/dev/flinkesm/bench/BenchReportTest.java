package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report from given rows: ratios, targets of phases that did not run, and the table's rows. */
class BenchReportTest {
    private final BenchRows rows = new BenchRows();
    private final BenchReport report = new BenchReport(rows, BenchMain.PHASES);

    @Test
    void ratiosDivideTheRowsRatesAndAreNaNForRowsThatDidNotRun() {
        rows.put("job-b100", row("job", 30_000));
        rows.put("source", row("source", 200_000));

        Map<String, Object> ratios = report.ratios();

        assertThat((Double) ratios.get("job/source (4/2)")).isEqualTo(0.15);
        assertThat((Double) ratios.get("job/limit (4/1)")).isNaN();
    }

    @Test
    void everyTargetOfAPhaseThatDidNotRunReadsNotRunWithoutValue() {
        List<Map<String, Object>> targets = report.targets();

        assertThat(targets).isNotEmpty().allSatisfy(t -> {
            assertThat(t.get("result")).isEqualTo("not run");
            assertThat(t.get("value")).isNull();
        });
    }

    @Test
    void aSlowFunctionTargetPassesOnlyWhenNinetyPercentIsReachedWithinTenSeconds() {
        Map<String, Object> fast = row("slow", 6000);
        fast.put("fractionOfIdeal", 0.95);
        fast.put("secondsTo90Percent", 2.5);
        Map<String, Object> late = row("slow", 6000);
        late.put("fractionOfIdeal", 0.95);
        late.put("secondsTo90Percent", 11.0);
        rows.put("slow-p4", fast);
        rows.put("slow-p16", late);

        Map<String, String> results = new LinkedHashMap<>();
        report.targets().forEach(t -> results.put((String) t.get("target"), (String) t.get("result")));

        assertThat(results).containsEntry("slow function P=4: >= 90 % of ideal within 10 s", "PASS")
                .containsEntry("slow function P=16: >= 90 % of ideal within 10 s", "FAIL")
                .containsEntry("slow function P=64: >= 90 % of ideal within 10 s", "not run");
    }

    @Test
    void theTableListsMeasuredRowsButNotWarmUpsOrMemoryRows() {
        rows.put("job-warm", row("warm-up", 1000));
        rows.put("job-b100", row("job, BatchSize 100, p=2", 30_000));
        Map<String, Object> memory = row("memory", 1000);
        rows.put("memory-1x", memory);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("machine", Map.of("cores", 2, "loadavgBefore", "1.0", "loadavgAfter", "1.1"));
        header.put("records", 200_000L);

        String table = report.table(report.result(header, Map.of()), 12);

        assertThat(table).contains("job-b100       job, BatchSize 100, p=2")
                .doesNotContain("job-warm").doesNotContain("memory-1x      ");
    }

    private static Map<String, Object> row(String name, double recordsPerSecond) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("records", 1000L);
        r.put("recordsPerSecond", recordsPerSecond);
        r.put("mbPerSecond", 1.0);
        r.put("cpuSecondsPerMillion", 10.0);
        r.put("hostCpuSecondsPerMillion", 1.0);
        r.put("brokerCpuSecondsPerMillion", 1.0);
        return r;
    }
}
