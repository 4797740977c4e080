package dev.flinkesm.failure.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.aws.AwsClients;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class OnFailureDestinationsTest {

    private static final DestinationContext NO_KAFKA = 
            new DestinationContext("uuid", new Properties(), AwsClients.standard());

    @BeforeAll
    static void credentials() {
        LocalAws.useFakeCredentials();
    }

    @AfterAll
    static void restore() {
        LocalAws.restore();
    }

    @Test
    void anSqsArnMakesAnSqsDestination() {
        try (OnFailureDestination d = OnFailureDestinations.create("arn:aws:sqs:eu-west-1:123456789012:dlq", NO_KAFKA)) {
            assertThat(d).isInstanceOf(SqsDestination.class);
            assertThat(d.destination()).isEqualTo("arn:aws:sqs:eu-west-1:123456789012:dlq");
        }
    }

    @Test
    void anSnsArnMakesAnSnsDestination() {
        try (OnFailureDestination d = OnFailureDestinations.create("arn:aws:sns:eu-west-1:123456789012:t", NO_KAFKA)) {
            assertThat(d).isInstanceOf(SnsDestination.class);
        }
    }

    @Test
    void anS3BucketArnMakesAnS3Destination() {
        try (OnFailureDestination d = OnFailureDestinations.create("arn:aws:s3:::my-bucket", NO_KAFKA)) {
            assertThat(d).isInstanceOf(S3Destination.class);
        }
    }

    @Test
    void aKafkaUrlMakesAKafkaTopicDestinationOnTheSourceCluster() {
        Properties source = new Properties();
        source.setProperty("bootstrap.servers", "127.0.0.1:1");
        try (OnFailureDestination d = OnFailureDestinations.create("kafka://failed-records",
                new DestinationContext("uuid", source, AwsClients.standard()))) {
            assertThat(d).isInstanceOf(KafkaTopicDestination.class);
            assertThat(d.destination()).isEqualTo("kafka://failed-records");
        }
    }

    @Test
    void aKafkaUrlWithoutClusterSettingsIsRefused() {
        assertThatThrownBy(() -> OnFailureDestinations.create("kafka://failed-records", NO_KAFKA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the source cluster's client properties");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "kafka://", "kafka://.hidden", "sqs://queue", "arn:aws:lambda:us-east-1:123456789012:function:f",
        "arn:aws:sqs:::dlq", "arn:aws:s3:us-east-1:123456789012:bucket", "arn:aws:s3:::bucket/prefix"
    })
    void anythingElseIsRefusedNamingTheField(String destination) {
        assertThatThrownBy(() -> OnFailureDestinations.create(destination, NO_KAFKA))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DestinationConfig.OnFailure.Destination");
    }
}
