package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.config.StartingPosition;
import java.time.Instant;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

/** Where an out-of-range offset resumes. Resolving starts against a broker: OffsetsAgainstBrokerTest (local). */
class CommittedOrStartingOffsetsTest {

    @Test
    void aLatestMappingWhoseOffsetRetentionRemovedResumesAtTheEarliestRetainedRecordNotTheEnd() {
        assertThat(new CommittedOrStartingOffsets(StartingPosition.LATEST, null).getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.EARLIEST);
    }

    @Test
    void everyStartingPositionResumesAtTheEarliestRetainedRecord() {
        assertThat(new CommittedOrStartingOffsets(StartingPosition.TRIM_HORIZON, null).getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(new CommittedOrStartingOffsets(StartingPosition.AT_TIMESTAMP, Instant.ofEpochSecond(1))
                .getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.EARLIEST);
    }
}
