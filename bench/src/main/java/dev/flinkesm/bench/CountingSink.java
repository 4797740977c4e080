package dev.flinkesm.bench;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Discards records, counting them and noting the first and last arrival (in-process MiniCluster only). */
final class CountingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong FIRST_MS = new AtomicLong();
    static final AtomicLong LAST_MS = new AtomicLong();

    static void reset() {
        COUNT.set(0);
        FIRST_MS.set(0);
        LAST_MS.set(0);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            private long pending;

            @Override
            public void write(T element, Context context) {
                if (++pending == 1000) {
                    publish();
                }
            }

            private void publish() {
                long now = System.currentTimeMillis();
                FIRST_MS.compareAndSet(0, now);
                LAST_MS.accumulateAndGet(now, Math::max);
                COUNT.addAndGet(pending);
                pending = 0;
            }

            @Override
            public void flush(boolean endOfInput) {
                if (pending > 0) {
                    publish();
                }
            }

            @Override
            public void close() {
                flush(true);
            }
        };
    }
}
