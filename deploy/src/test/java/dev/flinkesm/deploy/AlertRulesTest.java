package dev.flinkesm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The alert rules through Prometheus's own checker: valid rules, and each alert firing when (only when) it should. */
class AlertRulesTest {
    private static final Path RULES = Path.of("prometheus", "esm-alerts.yaml");
    private static final Path RULE_TESTS = Path.of("prometheus", "esm-alerts.test.yaml");

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        Promtool.Result check = Promtool.run("check", "rules", RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 6 rules found");
    }

    @Test
    void eachAlertFiresOnItsSymptomAndNotOnAHealthyMapping() throws Exception {
        Promtool.Result test = Promtool.run("test", "rules", RULE_TESTS.toString());
        assertThat(test.exitCode()).as(test.output()).isZero();
        assertThat(test.output()).contains("SUCCESS");
    }

    @Test
    void aBrokenRuleIsReported() throws Exception {
        Path broken = java.nio.file.Files.createTempFile("broken-rules", ".yaml");
        java.nio.file.Files.writeString(broken, "groups:\n  - name: x\n    rules:\n      - alert: A\n"
                + "        expr: sum by (job_name (flink_taskmanager_job_task_operator_SumOffsetLag)\n");
        try {
            Promtool.Result check = Promtool.run("check", "rules", broken.toString());
            assertThat(check.exitCode()).isNotZero();
            assertThat(check.output()).contains("FAILED");
        } finally {
            java.nio.file.Files.delete(broken);
        }
    }
}
