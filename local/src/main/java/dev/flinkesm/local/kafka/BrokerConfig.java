package dev.flinkesm.local.kafka;

import kafka.tools.StorageTool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of {@link EmbeddedKafka}'s single KRaft node (broker and controller in one process), and the
 * one-time storage format KRaft needs before its first start.
 */
final class BrokerConfig {

    private BrokerConfig() {}

    /**
     * The node's properties: PLAINTEXT on {@code port}, the controller on {@code controllerPort}, one replica for every
     * internal topic; {@code overrides} are applied last, so they can replace listeners or add SASL.
     */
    static Properties properties(String host, int port, int controllerPort, Path dataDir,
            Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("num.partitions", "1");
        // Tests and demos want consumers to get partitions at once, not after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.putAll(overrides);
        return p;
    }

    /** Formats {@code dataDir} for {@code clusterId} (kafka-storage format); a formatted dir is left as it is. */
    static void format(Properties brokerProperties, Path dataDir, String clusterId) {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".format.properties");
        try {
            try (OutputStream out = Files.newOutputStream(config)) {
                brokerProperties.store(out, "written by EmbeddedKafka for storage format");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int exitCode;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exitCode = StorageTool.execute(
                        new String[] {
                            "format",
                            "--config", config.toString(),
                            "--cluster-id", clusterId,
                            "--ignore-formatted"
                        },
                        printStream);
            }
            if (exitCode != 0) {
                throw new IllegalStateException(
                        "Kafka storage format failed (" + exitCode + "): " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not format " + dataDir, e);
        } finally {
            try {
                Files.deleteIfExists(config);
            } catch (IOException ignored) {
                // a leftover properties file in the temp dir is harmless
            }
        }
    }
}
