package dev.flinkesm.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus series the Grafana dashboard ({@value #DASHBOARD}) and the alert rules ({@value #RULES}) query, so a
 * test can look for each of them in a real scrape of a running job: a renamed metric would otherwise leave a panel
 * empty and an alert silent without any error.
 */
public final class MonitoredMetrics {
    public static final String DASHBOARD = "deploy/grafana/esm-dashboard.json";
    public static final String RULES = "deploy/prometheus/esm-alerts.yaml";

    private static final Pattern SERIES = Pattern.compile("\\b(flink_[A-Za-z0-9_]+)(\\{([^}]*)})?");
    private static final Pattern QUANTILE = Pattern.compile("quantile=\"([^\"]+)\"");
    private static final Pattern RULE_EXPR = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$");

    /** A metric name, and the histogram quantile a query asks for (null: any series of that name). */
    public record Series(String name, String quantile) implements Comparable<Series> {
        @Override
        public int compareTo(Series o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return quantile == null ? name : name + "{quantile=\"" + quantile + "\"}";
        }

        /** True if the Prometheus text exposition {@code scrape} has a sample of this series. */
        public boolean isIn(String scrape) {
            String pattern = quantile == null
                    ? "(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s"
                    : "(?m)^" + Pattern.quote(name) + "\\{[^}]*quantile=\"" + Pattern.quote(quantile) + "\"";
            return Pattern.compile(pattern).matcher(scrape).find();
        }
    }

    private MonitoredMetrics() {}

    /** Every series the dashboard and the rules under {@code repoRoot} query. */
    public static Set<Series> of(Path repoRoot) throws IOException {
        Set<Series> all = new TreeSet<>(inDashboard(repoRoot.resolve(DASHBOARD)));
        all.addAll(inRules(repoRoot.resolve(RULES)));
        return all;
    }

    public static Set<Series> inDashboard(Path dashboard) throws IOException {
        Set<Series> series = new TreeSet<>();
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        for (JsonNode expr : root.findValues("expr")) {
            series.addAll(inExpression(expr.asText()));
        }
        for (JsonNode query : root.path("templating").findValues("definition")) {
            series.addAll(inExpression(query.asText()));
        }
        return series;
    }

    public static Set<Series> inRules(Path rules) throws IOException {
        Set<Series> series = new TreeSet<>();
        Matcher m = RULE_EXPR.matcher(Files.readString(rules));
        while (m.find()) {
            series.addAll(inExpression(m.group(1)));
        }
        return series;
    }

    public static Set<Series> inExpression(String promql) {
        Set<Series> series = new TreeSet<>();
        Matcher m = SERIES.matcher(promql);
        while (m.find()) {
            Matcher q = m.group(3) == null ? null : QUANTILE.matcher(m.group(3));
            series.add(new Series(m.group(1), q != null && q.find() ? q.group(1) : null));
        }
        return series;
    }
}
