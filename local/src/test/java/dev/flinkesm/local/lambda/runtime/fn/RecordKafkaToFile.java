package dev.flinkesm.local.lambda.runtime.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A Kafka handler run by the Java runtime interface client: appends {@code requestId,topic,partition,offset,key,value}
 * (key and value base64, as received) per record to {@code $RECORD_TO}, one write per invocation, after sleeping
 * {@code $SLEEP_MS} (if set) so that concurrent invocations overlap.
 */
public final class RecordKafkaToFile implements RequestHandler<KafkaEvent, String> {

    @Override
    public String handleRequest(KafkaEvent event, Context context) {
        String sleep = System.getenv("SLEEP_MS");
        if (sleep != null) {
            try {
                Thread.sleep(Long.parseLong(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        StringBuilder lines = new StringBuilder();
        int count = 0;
        for (List<KafkaEvent.KafkaEventRecord> records : event.getRecords().values()) {
            for (KafkaEvent.KafkaEventRecord r : records) {
                lines.append(context.getAwsRequestId()).append(',').append(r.getTopic()).append(',')
                        .append(r.getPartition()).append(',').append(r.getOffset()).append(',')
                        .append(r.getKey() == null ? "" : r.getKey()).append(',')
                        .append(r.getValue()).append('\n');
                count++;
            }
        }
        try {
            Files.writeString(Path.of(System.getenv("RECORD_TO")), lines.toString(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        context.getLogger().log("received " + count + " records\n");
        return "ok";
    }
}
