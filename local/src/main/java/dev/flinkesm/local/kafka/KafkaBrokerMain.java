package dev.flinkesm.local.kafka;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs an {@link EmbeddedKafka} broker until the process is killed; for scripts and demos. */
@Command(
        name = "kafka-broker",
        mixinStandardHelpOptions = true,
        description = "Runs a single-node KRaft Kafka broker in this JVM until killed.")
public final class KafkaBrokerMain implements Callable<Integer> {

    @Option(names = "--port", description = "PLAINTEXT listener port (0 = a free port). Default: ${DEFAULT-VALUE}.")
    int port = 9092;

    @Option(
            names = "--data-dir",
            description = "Data dir, kept across runs. Default: a temp dir deleted on exit.")
    Path dataDir;

    @Option(
            names = "--topic",
            paramLabel = "NAME:PARTITIONS",
            description = "A topic to create at start (repeatable), e.g. --topic orders:3.")
    List<String> topics = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaBrokerMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String[]> parsedTopics = new ArrayList<>();
        for (String topic : topics) {
            int colon = topic.lastIndexOf(':');
            String name = colon < 0 ? topic : topic.substring(0, colon);
            String partitions = colon < 0 ? "1" : topic.substring(colon + 1);
            if (name.isEmpty() || !partitions.matches("[1-9][0-9]*")) {
                System.err.println("--topic must be NAME or NAME:PARTITIONS (PARTITIONS >= 1), got: " + topic);
                return 2;
            }
            parsedTopics.add(new String[] {name, partitions});
        }
        EmbeddedKafka.Options options = EmbeddedKafka.Options.defaults().withPort(port).withDataDir(dataDir);
        EmbeddedKafka kafka = EmbeddedKafka.start(options);
        for (String[] topic : parsedTopics) {
            kafka.createTopic(topic[0], Integer.parseInt(topic[1]));
        }
        // Scripts wait for this line.
        System.out.println("Kafka broker ready: bootstrap.servers=" + kafka.bootstrapServers());
        System.out.flush();
        new CountDownLatch(1).await(); // EmbeddedKafka's shutdown hook stops the broker on SIGTERM/Ctrl-C
        return 0;
    }
}
