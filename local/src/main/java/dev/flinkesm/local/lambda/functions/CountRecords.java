package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Counts records and invocations, then returns at once: a sink for benchmarks. */
public final class CountRecords implements RequestHandler<KafkaEvent, Void> {

    private final LongAdder records = new LongAdder();
    private final LongAdder invocations = new LongAdder();

    @Override
    public Void handleRequest(KafkaEvent event, Context context) {
        invocations.increment();
        if (event.getRecords() != null) {
            for (List<KafkaEvent.KafkaEventRecord> partition : event.getRecords().values()) {
                records.add(partition.size());
            }
        }
        return null;
    }

    public long records() {
        return records.sum();
    }

    public long invocations() {
        return invocations.sum();
    }
}
