package dev.flinkesm.local.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) running inside this JVM.
 *
 * <p>Lifecycle:
 *
 * <ul>
 *   <li>{@link #start()} / {@link #start(Options)} format the data dir (once) and start the broker; they return when
 *       the broker answers metadata requests.
 *   <li>{@link #stop()} shuts the broker down; {@link #startAgain()} starts it on the same ports and data dir, so
 *       records and committed offsets survive.
 *   <li>{@link #close()} stops it and deletes the data dir if this class created it. A shutdown hook does the same
 *       when the JVM exits first (Ctrl-C), so no temp data is left behind.
 * </ul>
 *
 * <p>The node's properties and the storage format are {@link BrokerConfig}'s; this class runs the node.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final String HOST = "127.0.0.1";

    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final String clusterId;
    private final Properties brokerProperties;
    private final Thread shutdownHook;
    private KafkaRaftServer server;
    private boolean closed;

    /**
     * How to start the broker. Zero ports mean "pick a free one"; a null data dir means a fresh temp dir that
     * {@link #close()} deletes (a given data dir is kept); a null cluster id means a random one. Broker
     * properties are applied last, so they can replace listeners or add SASL.
     */
    public record Options(
            int port,
            int controllerPort,
            Path dataDir,
            String clusterId,
            Map<String, String> brokerProperties) {

        public Options {
            brokerProperties = Map.copyOf(brokerProperties);
        }

        public static Options defaults() {
            return new Options(0, 0, null, null, Map.of());
        }

        public Options withPort(int newPort) {
            return new Options(newPort, controllerPort, dataDir, clusterId, brokerProperties);
        }

        public Options withControllerPort(int newControllerPort) {
            return new Options(port, newControllerPort, dataDir, clusterId, brokerProperties);
        }

        public Options withDataDir(Path newDataDir) {
            return new Options(port, controllerPort, newDataDir, clusterId, brokerProperties);
        }

        public Options withClusterId(String newClusterId) {
            return new Options(port, controllerPort, dataDir, newClusterId, brokerProperties);
        }

        public Options withBrokerProperty(String key, String value) {
            Map<String, String> merged = new LinkedHashMap<>(brokerProperties);
            merged.put(key, value);
            return new Options(port, controllerPort, dataDir, clusterId, merged);
        }
    }

    private EmbeddedKafka(Options options) throws IOException {
        this.port = options.port() == 0 ? freePort() : options.port();
        int requestedControllerPort = options.controllerPort() == 0 ? freePort() : options.controllerPort();
        while (requestedControllerPort == port) {
            requestedControllerPort = freePort();
        }
        this.controllerPort = requestedControllerPort;
        this.ownsDataDir = options.dataDir() == null;
        this.dataDir = ownsDataDir
                ? Files.createTempDirectory("embedded-kafka-")
                : Files.createDirectories(options.dataDir());
        this.clusterId = options.clusterId() == null ? Uuid.randomUuid().toString() : options.clusterId();
        this.brokerProperties = BrokerConfig.properties(HOST, port, controllerPort, dataDir,
                options.brokerProperties());
        this.shutdownHook = new Thread(this::closeQuietly, "embedded-kafka-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A broker on free ports with a fresh temp data dir. */
    public static EmbeddedKafka start() {
        return start(Options.defaults());
    }

    public static EmbeddedKafka start(Options options) {
        Objects.requireNonNull(options, "options");
        EmbeddedKafka kafka;
        try {
            kafka = new EmbeddedKafka(options);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the Kafka data dir", e);
        }
        try {
            BrokerConfig.format(kafka.brokerProperties, kafka.dataDir, kafka.clusterId);
            kafka.startServer();
            return kafka;
        } catch (RuntimeException | Error e) {
            kafka.closeQuietly();
            throw e;
        }
    }

    /** {@code 127.0.0.1:PORT} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Minimal client settings: {@code bootstrap.servers}. Add serializers, group id etc. yourself. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return properties;
    }

    /** A new admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties properties = clientProperties();
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(properties);
    }

    /** Creates the topic (replication factor 1) and waits until metadata shows a leader for every partition. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Could not create topic " + name, e.getCause());
                }
            }
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                if (hasLeaderForEveryPartition(admin, name, partitions)) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + name + " did not get leaders within " + READY_TIMEOUT);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Timed out creating topic " + name, e);
        }
    }

    /** Shuts the broker down; {@link #startAgain()} brings it back on the same ports and data. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        running.shutdown();
        running.awaitShutdown();
        LOG.info("Kafka broker on {} stopped", bootstrapServers());
    }

    /** Starts a stopped broker again on the same ports and data dir. */
    public synchronized void startAgain() {
        if (closed) {
            throw new IllegalStateException("This broker is closed");
        }
        if (server != null) {
            throw new IllegalStateException("The broker is running; stop() it first");
        }
        startServer();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the broker and deletes the data dir if it is a temp dir this class created. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            if (ownsDataDir) {
                deleteRecursively(dataDir);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // running inside the hook itself, or the JVM is exiting: nothing to remove
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Could not close the Kafka broker on {} cleanly", bootstrapServers(), e);
        }
    }

    private synchronized void startServer() {
        long started = System.nanoTime();
        KafkaRaftServer raftServer = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties), Time.SYSTEM);
        try {
            raftServer.startup();
            awaitReady();
        } catch (RuntimeException | Error e) {
            raftServer.shutdown();
            raftServer.awaitShutdown();
            throw e;
        }
        server = raftServer;
        LOG.info(
                "Kafka broker ready on {} in {} ms (data dir {})",
                bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                dataDir);
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
                    // the broker is still catching up with the metadata log
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker did not become ready within " + READY_TIMEOUT);
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the broker", e);
        }
    }

    private static boolean hasLeaderForEveryPartition(Admin admin, String topic, int partitions)
            throws InterruptedException {
        try {
            TopicDescription description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic);
            if (description == null || description.partitions().size() < partitions) {
                return false;
            }
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    LOG.warn("Could not delete {}", path, e);
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not delete Kafka data dir {}", root, e);
        }
    }
}
