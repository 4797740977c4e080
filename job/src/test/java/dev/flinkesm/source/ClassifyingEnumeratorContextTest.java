package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.function.BiConsumer;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.throwable.ThrowableClassifier;
import org.apache.flink.runtime.throwable.ThrowableType;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class ClassifyingEnumeratorContextTest {

    /** What KafkaSourceEnumerator#checkPartitionChanges does with a failed listing. */
    private static final BiConsumer<Object, Throwable> STOCK_HANDLER = (result, t) -> {
        if (t != null) {
            throw new FlinkRuntimeException("Failed to list subscribed topic partitions due to ", t);
        }
    };

    @Test
    void refusedCredentialsInAHandlerBecomeANonRecoverableStop() {
        Throwable thrown = catchThrowable(() -> ClassifyingEnumeratorContext.classifying(STOCK_HANDLER)
                .accept(null, new SaslAuthenticationException("invalid credentials")));
        assertThat(thrown).isInstanceOf(SuppressRestartsException.class).cause()
                .hasMessageContaining("EVENT_SOURCE_AUTHN_ERROR: PROBLEM: SASL authentication failed");
        // Flink's failover decision (ExecutionFailureHandler) searches the cause chain for this type: wrapped
        // by the coordinator, it still prevents restarts.
        Throwable wrapped = new RuntimeException("coordinator failed", thrown);
        assertThat(ThrowableClassifier.findThrowableOfThrowableType(wrapped, ThrowableType.NonRecoverableError))
                .isPresent();
    }

    @Test
    void otherFailuresPassUnchanged() {
        Throwable thrown = catchThrowable(() -> ClassifyingEnumeratorContext.classifying(STOCK_HANDLER)
                .accept(null, new java.io.IOException("broker down")));
        assertThat(thrown).isInstanceOf(FlinkRuntimeException.class);
    }
}
