package dev.flinkesm.local.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Properties;
import java.util.concurrent.Callable;

/** Produces N small records round-robin over a topic's partitions, then exits; for walkthroughs and scripts. */
@Command(name = "produce", mixinStandardHelpOptions = true, description = "Produces small test records to a topic.")
public final class ProduceMain implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092") String bootstrapServers;

    @Option(names = "--topic", required = true) String topic;

    @Option(names = "--count", defaultValue = "100") int count;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProduceMain()).execute(args));
    }

    @Override
    public Integer call() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            int partitions = producer.partitionsFor(topic).size();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "record " + i));
            }
            producer.flush();
        }
        System.out.println("produced " + count + " records to " + topic);
        return 0;
    }
}
