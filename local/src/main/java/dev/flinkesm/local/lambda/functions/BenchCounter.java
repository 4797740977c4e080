package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A benchmark sink: counts records and invocations and returns at once, without parsing the event into a
 * {@code KafkaEvent} (which would cost the host more CPU than the caller spends, on a shared machine). Records are
 * counted by scanning for {@code "timestamp":}, which every record of Lambda's Kafka event has exactly once (header
 * keys must not contain it). For each record it also takes {@code now - timestamp} in milliseconds: the latency from
 * produce (CreateTime) to arrival at the function, kept in a 1 ms histogram up to 60 s. A latency, if set, is
 * slept inside the handler after counting, so {@code peakInFlight} counts invocations that are sleeping.
 */
public final class BenchCounter implements RequestStreamHandler {
    private static final byte[] TIMESTAMP = "\"timestamp\":".getBytes(StandardCharsets.US_ASCII);
    private static final int BUCKETS = 60_001;
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final long latencyMs;
    private final LongAdder records = new LongAdder();
    private final LongAdder invocations = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong firstArrivalMs = new AtomicLong();
    private final AtomicLong lastArrivalMs = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
    private final AtomicLong maxLatencyMs = new AtomicLong(Long.MIN_VALUE);

    /** A counter that answers at once. */
    public BenchCounter() {
        this(0);
    }

    /** A counter that takes {@code latencyMs} per invocation (sleeping inside, so it counts as in flight). */
    public BenchCounter(long latencyMs) {
        if (latencyMs < 0) {
            throw new IllegalArgumentException("latency must not be negative: " + latencyMs);
        }
        this.latencyMs = latencyMs;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        int now = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(now, Math::max);
        try {
            byte[] body = input.readAllBytes();
            long arrival = System.currentTimeMillis();
            int count = 0;
            for (int i = indexOf(body, 0); i >= 0; i = indexOf(body, i)) {
                long ts = 0;
                boolean negative = body[i] == '-';
                if (negative) {
                    i++;
                }
                while (i < body.length && body[i] >= '0' && body[i] <= '9') {
                    ts = ts * 10 + (body[i++] - '0');
                }
                count++;
                if (!negative) {
                    long ms = Math.max(0, arrival - ts);
                    latency.incrementAndGet((int) Math.min(ms, BUCKETS - 1));
                    maxLatencyMs.accumulateAndGet(ms, Math::max);
                }
            }
            firstArrivalMs.compareAndSet(0, arrival);
            records.add(count);
            bytes.add(body.length);
            invocations.increment();
            lastArrivalMs.accumulateAndGet(System.currentTimeMillis(), Math::max);
            if (latencyMs > 0) {
                Thread.sleep(latencyMs);
            }
            output.write(NULL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while sleeping");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Index just after the next {@code "timestamp":} at or after {@code from}, or -1. */
    private static int indexOf(byte[] b, int from) {
        int last = b.length - TIMESTAMP.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (b[i] != '"' || b[i + 1] != 't') {
                continue;
            }
            for (int j = 2; j < TIMESTAMP.length; j++) {
                if (b[i + j] != TIMESTAMP[j]) {
                    continue outer;
                }
            }
            return i + TIMESTAMP.length;
        }
        return -1;
    }

    public long records() {
        return records.sum();
    }

    /** Everything counted so far, as plain values (for the stats function's JSON answer). */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records", records.sum());
        m.put("invocations", invocations.sum());
        m.put("bytes", bytes.sum());
        m.put("firstArrivalMs", firstArrivalMs.get());
        m.put("lastArrivalMs", lastArrivalMs.get());
        m.put("inFlight", inFlight.get());
        m.put("peakInFlight", peakInFlight.get());
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += latency.get(i);
        }
        m.put("latencySamples", n);
        m.put("latencyP50Ms", percentile(n, 0.50));
        m.put("latencyP99Ms", percentile(n, 0.99));
        m.put("latencyMaxMs", n == 0 ? -1 : maxLatencyMs.get());
        return m;
    }

    private long percentile(long n, double q) {
        if (n == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += latency.get(i);
            if (seen >= rank) {
                return i;
            }
        }
        return BUCKETS - 1;
    }

    /** Starts counting afresh (between benchmark phases; not atomic with concurrent invocations). */
    public void reset() {
        records.reset();
        invocations.reset();
        bytes.reset();
        firstArrivalMs.set(0);
        lastArrivalMs.set(0);
        peakInFlight.set(inFlight.get());
        for (int i = 0; i < BUCKETS; i++) {
            latency.set(i, 0);
        }
        maxLatencyMs.set(Long.MIN_VALUE);
    }
}
