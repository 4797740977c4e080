package dev.flinkesm.cli.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the function host received (its {@code --record-to} file), checked against what a test produced. */
final class Deliveries {
    /** One line: function,topic,partition,offset,invocation,batchRecords. */
    record Line(String function, String topic, int partition, long offset, long invocation, int batchRecords) {}

    static List<Line> read(Path file, String topic) {
        List<Line> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String l : Files.readAllLines(file)) {
                String[] f = l.split(",");
                if (f.length == 6 && f[1].equals(topic)) {
                    out.add(new Line(f[0], f[1], Integer.parseInt(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                            Integer.parseInt(f[5])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Produced offsets ("partition:offset") not received. */
    static Set<String> missing(Map<Integer, List<Long>> produced, List<Line> received) {
        Set<String> got = new HashSet<>();
        received.forEach(l -> got.add(l.partition() + ":" + l.offset()));
        Set<String> missing = new TreeSet<>();
        produced.forEach((p, offsets) -> offsets.forEach(o -> {
            if (!got.contains(p + ":" + o)) {
                missing.add(p + ":" + o);
            }
        }));
        return missing;
    }

    /** How many received records were received before (at-least-once duplicates). */
    static int duplicates(List<Line> received) {
        Set<String> seen = new HashSet<>();
        int dups = 0;
        for (Line l : received) {
            if (!seen.add(l.partition() + ":" + l.offset())) {
                dups++;
            }
        }
        return dups;
    }

    /**
     * The most times one partition's received offsets went back (a restore re-sending from an earlier offset); 0
     * means every partition was received in offset order without a repeat.
     */
    static int maxRewindsPerPartition(List<Line> received) {
        Map<Integer, Long> last = new HashMap<>();
        Map<Integer, Integer> rewinds = new HashMap<>();
        for (Line l : received) {
            Long before = last.put(l.partition(), l.offset());
            if (before != null && l.offset() <= before) {
                rewinds.merge(l.partition(), 1, Integer::sum);
            }
        }
        return rewinds.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Waits until every produced offset was received; returns what was received. */
    static List<Line> awaitAll(Path file, String topic, Map<Integer, List<Long>> produced, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Line> received = read(file, topic);
            Set<String> missing = missing(produced, received);
            if (missing.isEmpty()) {
                return received;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(missing.size() + " produced records never reached the function, e.g. "
                        + missing.stream().limit(10).toList() + " (received " + received.size() + ")");
            }
            Thread.sleep(250);
        }
    }

    /** Batch size (records per invocation) of every invocation that carried one of {@code offsets}. */
    static Map<Long, Integer> batchesCarrying(List<Line> received, Map<Integer, List<Long>> offsets) {
        Set<String> wanted = new HashSet<>();
        offsets.forEach((p, os) -> os.forEach(o -> wanted.add(p + ":" + o)));
        Map<Long, Integer> out = new TreeMap<>();
        for (Line l : received) {
            if (wanted.contains(l.partition() + ":" + l.offset())) {
                out.put(l.invocation(), l.batchRecords());
            }
        }
        return out;
    }

    static Map<Integer, List<Long>> merge(Map<Integer, List<Long>> a, Map<Integer, List<Long>> b) {
        Map<Integer, List<Long>> out = new HashMap<>();
        a.forEach((p, os) -> out.computeIfAbsent(p, k -> new ArrayList<>()).addAll(os));
        b.forEach((p, os) -> out.computeIfAbsent(p, k -> new ArrayList<>()).addAll(os));
        return out;
    }
}
