package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

class KafkaFailureClassifierHealableTest {

    /** How the stock enumerator's listing failure arrives (TopicListSubscriber wraps the admin client's). */
    private static Throwable listingFailed(Throwable cause) {
        return new FlinkRuntimeException("Failed to list subscribed topic partitions due to ",
                new RuntimeException("Failed to get metadata for topics [t].", new ExecutionException(cause)));
    }

    @Test
    void aMissingTopicIsNamedAndMayHeal() {
        assertThat(KafkaFailureClassifier.healableProblem(listingFailed(
                new UnknownTopicOrPartitionException("This server does not host this topic-partition."))))
                .hasValue("Topic not found (This server does not host this topic-partition.)");
    }

    @Test
    void brokersThatDoNotAnswerAreAwsConnectionError() {
        assertThat(KafkaFailureClassifier.healableProblem(listingFailed(
                new TimeoutException("Timed out waiting for a node assignment. Call: describeTopics"))))
                .hasValue("Connection error. Please check your event source connection configuration.");
        assertThat(KafkaFailureClassifier.healableProblem(
                new ConfigException("No resolvable bootstrap urls given in bootstrap.servers")))
                .hasValue(Problems.CONNECTION_ERROR);
    }

    @Test
    void otherFailuresAreNotHealableProblems() {
        assertThat(KafkaFailureClassifier.healableProblem(listingFailed(new IllegalStateException("bug")))).isEmpty();
        assertThat(KafkaFailureClassifier.healableProblem(new ConfigException("bad value for fetch.min.bytes")))
                .isEmpty();
    }
}
