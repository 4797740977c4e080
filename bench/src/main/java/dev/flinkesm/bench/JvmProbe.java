package dev.flinkesm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of another JVM on this machine, read from outside so that reading it costs that JVM nothing between
 * readings: resident set and its peak from {@code /proc/<pid>/status}, and live heap and metaspace through
 * {@code jcmd} (a full GC first, then {@code GC.heap_info}), which Flink's REST metrics cannot give (they show the
 * heap in use whenever the last collection happened to run, and polling them makes the TaskManager collect every
 * metric of every job).
 */
final class JvmProbe {
    private static final Pattern HEAP =
            Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K \\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");
    private static final Pattern SMAPS_RANGE = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K, committed (\\d+)K");

    /** Kilobytes as {@code GC.heap_info} prints them, in MB. */
    record HeapInfo(double heapUsedMb, double heapCommittedMb, double metaspaceUsedMb, double metaspaceCommittedMb,
            long heapStart, long heapEnd) {
        static HeapInfo parse(String jcmdOutput) {
            Matcher heap = HEAP.matcher(jcmdOutput);
            Matcher meta = METASPACE.matcher(jcmdOutput);
            if (!heap.find() || !meta.find()) {
                throw new IllegalStateException("no heap or metaspace line in jcmd's output: " + jcmdOutput);
            }
            return new HeapInfo(kbToMb(heap.group(2)), kbToMb(heap.group(1)), kbToMb(meta.group(1)),
                    kbToMb(meta.group(2)), Long.parseUnsignedLong(heap.group(3), 16),
                    Long.parseUnsignedLong(heap.group(4), 16));
        }

        private static double kbToMb(String kb) {
            return Long.parseLong(kb) / 1024.0;
        }
    }

    private static final Pattern NMT_TOTAL =
            Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);
    private static final Pattern NMT_CATEGORY =
            Pattern.compile("^-\\s+(\\S.*?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);

    final long pid;

    JvmProbe(long pid) {
        this.pid = pid;
    }

    double cpuSeconds() {
        return ChildJvm.procCpuSeconds(pid);
    }

    double rssMb() {
        return ChildJvm.procStatusKb(pid, "VmRSS") / 1024.0;
    }

    /** Peak resident set since the last {@link #resetPeakRss()} (or the start). */
    double peakRssMb() {
        return ChildJvm.procStatusKb(pid, "VmHWM") / 1024.0;
    }

    /**
     * CPU seconds so far of the JVM's JIT compiler threads and its garbage collector threads, from
     * {@code /proc/<pid>/task/<tid>/stat} by thread name: [jit, gc]. Threads that have ended are not counted
     * (HotSpot stops idle compiler threads), so these are lower bounds.
     */
    double[] jitAndGcCpuSeconds() {
        double jit = 0;
        double gc = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    jit += seconds;
                } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    gc += seconds;
                }
            }
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {jit, gc};
    }

    /**
     * The resident part of the Java heap (the mappings inside the heap's reserved range, from
     * {@code /proc/<pid>/smaps}): Flink starts the heap at its full size (-Xms = -Xmx), so resident set minus this
     * is what lives outside the heap (metaspace, code, threads, direct buffers, native libraries such as CRT).
     */
    double heapRssMb(HeapInfo heap) {
        long kb = 0;
        boolean inHeap = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps"))) {
                Matcher range = SMAPS_RANGE.matcher(line);
                if (range.find()) {
                    long start = Long.parseUnsignedLong(range.group(1), 16);
                    long end = Long.parseUnsignedLong(range.group(2), 16);
                    inHeap = start >= heap.heapStart() && end <= heap.heapEnd();
                } else if (inHeap && line.startsWith("Rss:")) {
                    kb += Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return kb / 1024.0;
    }

    /** Starts a new peak (Linux: writing 5 to clear_refs resets VmHWM); false if the kernel refused. */
    boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Committed native memory by Native Memory Tracking's category ("Total", "Java Heap", "Class", "Thread",
     * "Other", ...), in MB, if the JVM runs with {@code -XX:NativeMemoryTracking=summary}; empty otherwise.
     */
    Map<String, Double> nativeMemoryCommittedMb() throws IOException, InterruptedException {
        String out = jcmd("VM.native_memory summary");
        return parseNativeMemory(out);
    }

    static Map<String, Double> parseNativeMemory(String jcmdOutput) {
        Map<String, Double> committed = new LinkedHashMap<>();
        Matcher total = NMT_TOTAL.matcher(jcmdOutput);
        if (!total.find()) {
            return committed;
        }
        committed.put("Total", Long.parseLong(total.group(1)) / 1024.0);
        Matcher c = NMT_CATEGORY.matcher(jcmdOutput);
        while (c.find()) {
            committed.put(c.group(1).trim(), Long.parseLong(c.group(2)) / 1024.0);
        }
        return committed;
    }

    /** Live heap and metaspace: a full GC, then the heap summary, in one jcmd call. */
    HeapInfo afterFullGc() throws IOException, InterruptedException {
        return HeapInfo.parse(jcmd("GC.run", "GC.heap_info"));
    }

    /** The output of jcmd running these commands, one after the other, against the JVM. */
    private String jcmd(String... commandLines) throws IOException, InterruptedException {
        Path commands = Files.createTempFile("jvm-probe-", ".jcmd");
        Path output = Files.createTempFile("jvm-probe-", ".out");
        try {
            Files.writeString(commands, String.join("\n", commandLines) + "\n");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(pid), "-f", commands.toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " did not answer in 60 s");
            }
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(commands);
            Files.deleteIfExists(output);
        }
    }
}
