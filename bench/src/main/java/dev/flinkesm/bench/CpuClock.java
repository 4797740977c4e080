package dev.flinkesm.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples, every 50 ms, the process CPU time of this JVM and of the broker and function host children, so that
 * the CPU spent between any two wall-clock instants (e.g. a function host's first and last arrival) can be
 * interpolated afterwards, the same way for every row.
 */
final class CpuClock implements AutoCloseable {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long[] pids;
    private final List<double[]> samples = new ArrayList<>(); // [epochMs, self s, child0 s, child1 s, ...]
    private final Thread thread;
    private volatile boolean running = true;

    CpuClock(long... childPids) {
        this.pids = childPids;
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-cpu-clock");
        thread.setDaemon(true);
        thread.start();
    }

    double selfSeconds() {
        return os.getProcessCpuTime() / 1e9;
    }

    void sample() {
        double[] s = new double[2 + pids.length];
        s[0] = System.currentTimeMillis();
        s[1] = selfSeconds();
        for (int i = 0; i < pids.length; i++) {
            s[2 + i] = ChildJvm.procCpuSeconds(pids[i]);
        }
        synchronized (samples) {
            samples.add(s);
        }
    }

    /** CPU seconds between two epoch-ms instants: column 0 = this JVM, 1.. = the children in constructor order. */
    double between(int column, long fromMs, long toMs) {
        return at(column, toMs) - at(column, fromMs);
    }

    private double at(int column, long epochMs) {
        synchronized (samples) {
            double[] before = null;
            for (double[] s : samples) {
                if (s[0] <= epochMs) {
                    before = s;
                } else {
                    if (before == null) {
                        return s[1 + column];
                    }
                    double f = (epochMs - before[0]) / Math.max(1.0, s[0] - before[0]);
                    return before[1 + column] + f * (s[1 + column] - before[1 + column]);
                }
            }
            return before == null ? Double.NaN : before[1 + column];
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
