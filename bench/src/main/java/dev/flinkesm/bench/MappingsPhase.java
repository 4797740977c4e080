package dev.flinkesm.bench;

import picocli.CommandLine;

/**
 * Issue 15's many-mappings measurement as a phase ({@code scripts/bench --phases mappings}; not in a default run,
 * about 5 minutes): {@link ManyMappingsBench} with its defaults, 20 mappings on one real session cluster. It starts
 * its own cluster, broker and function host, and writes its own {@code bench-results/mappings-<timestamp>.json}
 * (its rows are per cluster state, not per record stream); {@code scripts/bench --mappings-bench [options]} runs it
 * with other options.
 */
final class MappingsPhase implements BenchPhase {
    @Override
    public String name() {
        return "mappings";
    }

    @Override
    public boolean inDefaultRun(boolean quick) {
        return false;
    }

    @Override
    public void run(BenchContext c) throws Exception {
        int exit = new CommandLine(new ManyMappingsBench()).execute("--out", c.out.toString());
        if (exit != 0) {
            throw new IllegalStateException("ManyMappingsBench ended with exit code " + exit
                    + " (its log says why)");
        }
    }
}
