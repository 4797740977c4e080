package dev.flinkesm.bench;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Issue 9's memory cases (not in a default run, about a minute): a function failing forever, so every partition holds
 * what the reader lets it, over 1 KB records (budget 128 MB), 1 MB records on 16 partitions (budget 64 MB) and 256
 * partitions of 1 KB records (budget 128 MB), one subtask each; peak live heap against {@code --max-buffered-mb}.
 */
final class BudgetPhase implements BenchPhase {
    @Override
    public String name() {
        return "budget";
    }

    @Override
    public boolean inDefaultRun(boolean quick) {
        return false;
    }

    @Override
    public void run(BenchContext c) throws Exception {
        // demo-fails fails every invocation: nothing is delivered, every partition holds what it may
        MemoryPhase.measure(c, "memory-stall-1k", BenchContext.TOPIC, 0, "demo-fails", 1, 128L, 20);
        String large = "memory-1mb";
        BenchData.createTopic(c.bootstrap(), large, 16);
        BenchData.produce(c.bootstrap(), large, 16, 16 * 16, 1_000_000);
        MemoryPhase.measure(c, "memory-stall-1m", large, 0, "demo-fails", 1, 64L, 20);
        String wide = "memory-p256";
        BenchData.createTopic(c.bootstrap(), wide, 256);
        BenchData.produce(c.bootstrap(), wide, 256, 256 * 600);
        MemoryPhase.measure(c, "memory-p256", wide, 0, "demo-fails", 1, 128L, 25);
    }

    @Override
    public void summary(BenchRows rows, Consumer<String> line) {
        for (String id : List.of("memory-stall-1k", "memory-stall-1m", "memory-p256")) {
            Map<String, Object> r = rows.get(id);
            if (r != null) {
                line.accept(String.format("%-15s: peak live heap %.0f MB against a budget of %.0f MB per subtask",
                        id, r.get("peakLiveHeapMb"), r.get("maxBufferedMb")));
            }
        }
    }
}
