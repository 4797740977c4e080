package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Logs one INFO line per batch: topic-partition, record count, first..last offset. Never payload contents. */
public final class LogBatches implements RequestHandler<KafkaEvent, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(LogBatches.class);

    @Override
    public Void handleRequest(KafkaEvent event, Context context) {
        StringJoiner partitions = new StringJoiner("; ");
        int total = 0;
        if (event.getRecords() != null) {
            for (Map.Entry<String, List<KafkaEvent.KafkaEventRecord>> entry : event.getRecords().entrySet()) {
                List<KafkaEvent.KafkaEventRecord> records = entry.getValue();
                if (records == null || records.isEmpty()) {
                    continue;
                }
                total += records.size();
                partitions.add(entry.getKey() + " count=" + records.size() + " offsets="
                        + records.get(0).getOffset() + ".." + records.get(records.size() - 1).getOffset());
            }
        }
        LOG.info("{} batch of {} records: {}", context.getFunctionName(), total, partitions);
        return null;
    }
}
