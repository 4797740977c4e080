package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sleeps a fixed time, then succeeds with {@code null}, without reading the event. */
public final class Slow implements RequestStreamHandler {

    private final Duration sleep;

    public Slow(Duration sleep) {
        if (sleep.isNegative()) {
            throw new IllegalArgumentException("sleep must not be negative: " + sleep);
        }
        this.sleep = sleep;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        try {
            Thread.sleep(sleep.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sleeping");
        }
        output.write("null".getBytes(StandardCharsets.UTF_8));
    }
}
