package dev.flinkesm.config;

import static dev.flinkesm.config.MappingJson.mapping;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Accepted-but-ignored fields must be visible in the log, since they silently change nothing. */
class MappingParserLogTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private AbstractAppender appender;

    @BeforeEach
    void captureParserLog() {
        appender =
                new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
                    @Override
                    public void append(LogEvent event) {
                        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
                    }
                };
        appender.start();
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig logger = new LoggerConfig(MappingParser.class.getName(), Level.INFO, false);
        logger.addAppender(appender, Level.INFO, null);
        config.addLogger(MappingParser.class.getName(), logger);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        context.getConfiguration().removeLogger(MappingParser.class.getName());
        context.updateLoggers();
        appender.stop();
    }

    @Test
    void fieldsWithoutEffectOffAwsAreWarnedByName() {
        MappingParser.parse(mapping().with("Tags", "{}").with("ProvisionedPollerConfig", "{}").json());
        assertThat(lines)
                .anyMatch(l -> l.startsWith("WARN Ignoring Tags"))
                .anyMatch(l -> l.startsWith("WARN Ignoring ProvisionedPollerConfig"));
    }

    @Test
    void vpcEntriesLogOnceThatTheNetworkIsTheFlinkClusters() {
        MappingParser.parse(
                mapping()
                        .with(
                                "SourceAccessConfigurations",
                                "[{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet:a\"},"
                                        + "{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet:b\"}]")
                        .json());
        assertThat(lines).filteredOn(l -> l.startsWith("INFO")).singleElement().asString().contains("Flink cluster");
    }
}
