package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Appends one line per record of every <b>successful</b> invocation to a file, so a test in another process can
 * check what a function received: {@code function,topic,partition,offset,invocation,batchRecords}. {@code invocation}
 * counts answered successful invocations from 1; {@code batchRecords} is how many records that invocation carried.
 * One invocation's lines are written and flushed together. Payloads are never written.
 */
public final class DeliveryLog implements Consumer<Invocation>, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter out;
    private long invocations;

    public DeliveryLog(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public void accept(Invocation invocation) {
        if (!invocation.succeeded()) {
            return;
        }
        JsonNode records;
        try {
            records = JSON.readTree(invocation.body()).path("records");
        } catch (IOException e) {
            return; // not a Kafka event
        }
        StringBuilder lines = new StringBuilder();
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = records.fields(); it.hasNext(); ) {
            count += it.next().getValue().size();
        }
        synchronized (this) {
            long n = ++invocations;
            for (Iterator<Map.Entry<String, JsonNode>> it = records.fields(); it.hasNext(); ) {
                for (JsonNode r : it.next().getValue()) {
                    lines.append(invocation.functionName()).append(',')
                            .append(r.path("topic").asText()).append(',')
                            .append(r.path("partition").asInt()).append(',')
                            .append(r.path("offset").asLong()).append(',')
                            .append(n).append(',')
                            .append(count).append('\n');
                }
            }
            try {
                out.write(lines.toString());
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
