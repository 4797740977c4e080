package dev.flinkesm.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Delivered-record counts sampled over time against an ideal rate: when the rate over the previous second first
 * reached 90 % of the ideal, and the steady rate from 2 s after the first delivery to the last sample. Samples must
 * be added in time order.
 */
final class IdealRate {
    /** The rate counts as reached over a trailing window this long. */
    static final long WINDOW_MS = 1000;
    /** The steady rate starts this long after the first delivery (start-up and the first round trip excluded). */
    static final long STEADY_AFTER_MS = 2000;

    private final double ideal;
    private final List<long[]> samples = new ArrayList<>(); // [epochMs, records]
    private long reached90Ms = -1;

    IdealRate(double idealRecordsPerSecond) {
        this.ideal = idealRecordsPerSecond;
    }

    /** Adds a sample: {@code records} delivered in total by {@code epochMs}. */
    void add(long epochMs, long records) {
        samples.add(new long[] {epochMs, records});
        if (reached90Ms < 0) {
            long[] back = null;
            for (long[] x : samples) {
                if (x[0] <= epochMs - WINDOW_MS) {
                    back = x;
                }
            }
            if (back != null && (records - back[1]) * 1000.0 / (epochMs - back[0]) >= 0.9 * ideal) {
                reached90Ms = epochMs;
            }
        }
    }

    /** The first sample's instant at which the trailing one-second rate was at least 90 % of ideal, or -1. */
    long reached90Ms() {
        return reached90Ms;
    }

    /** Records/s from the first sample {@value #STEADY_AFTER_MS} ms after {@code firstArrivalMs} to the last; 0 if none. */
    double steady(long firstArrivalMs) {
        long[] from = null;
        for (long[] x : samples) {
            if (x[0] >= firstArrivalMs + STEADY_AFTER_MS) {
                from = x;
                break;
            }
        }
        if (from == null) {
            return 0;
        }
        long[] to = samples.get(samples.size() - 1);
        return to[0] == from[0] ? 0 : (to[1] - from[1]) * 1000.0 / (to[0] - from[0]);
    }

    double ideal() {
        return ideal;
    }
}
