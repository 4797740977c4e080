package dev.flinkesm.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.config.MappingParser;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class EsmPipelineTest {
    private static final String MAPPING = "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\","
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"localhost:9092\"]}}}";

    private static StreamGraph graph(String mapping) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EsmPipeline.build(env, MappingParser.parse(mapping), offline());
        return env.getStreamGraph();
    }

    /**
     * The default options, with the per-partition fetch size set: the pipeline then skips asking the (here absent)
     * cluster for the partition counts, which only waits out its 5 s timeout. These tests are about the graph;
     * ConsumerFetchSizesTest and TopicPartitionCountsTest cover the sizes.
     */
    private static JobOptions offline() {
        JobOptions options = new JobOptions();
        options.kafkaProperties.put("max.partition.fetch.bytes", "262144");
        return options;
    }

    @Test
    void everyOperatorHasAStableUidSoSavepointsSurviveUpgrades() {
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph(MAPPING).getStreamNodes()) {
            uids.add(node.getTransformationUID());
        }
        assertThat(uids).containsExactlyInAnyOrder(EsmPipeline.SOURCE_UID, EsmPipeline.REPORTS_UID);
    }

    @Test
    void uidsDoNotDependOnSettingsAnUpdateMayChange() {
        String changed = MAPPING.replace("}}}", "}},\"BatchSize\":500,\"MaximumBatchingWindowInSeconds\":3}");
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        graph(MAPPING).getStreamNodes().forEach(n -> before.add(n.getTransformationUID()));
        graph(changed).getStreamNodes().forEach(n -> after.add(n.getTransformationUID()));
        assertThat(after).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void checkpointingIsOnByDefault() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EsmPipeline.build(env, MappingParser.parse(MAPPING), offline());
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isTrue();
    }
}
