package dev.flinkesm.local.lambda.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lines Lambda writes around each invocation in a function's log ({@code START}, {@code END}, {@code REPORT}),
 * appended to the file the runtime process writes its own output to.
 */
final class FunctionLog {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionLog.class);

    private final Path file;
    private final int memoryMb;

    FunctionLog(Path file, int memoryMb) {
        this.file = file;
        this.memoryMb = memoryMb;
    }

    /** The invocation was handed to the runtime. */
    void start(String requestId) {
        append("START RequestId: " + requestId + " Version: $LATEST");
    }

    /** The invocation the runtime received ended (answered, timed out or orphaned) after {@code durationNanos}. */
    void end(String requestId, long durationNanos) {
        double ms = durationNanos / 1e6;
        append("END RequestId: " + requestId);
        append(String.format("REPORT RequestId: %s\tDuration: %.2f ms\tMemory Size: %d MB", requestId, ms, memoryMb));
    }

    /** One line, appended (the runtime process appends to the same file; a short append is not interleaved). */
    private void append(String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debug("Could not write to {}", file, e);
        }
    }
}
