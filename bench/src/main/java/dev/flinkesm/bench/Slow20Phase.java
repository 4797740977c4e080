package dev.flinkesm.bench;

/** A function taking 20 ms per invocation: the baseline and the job, each capped at 10 s (4 s quick). */
final class Slow20Phase implements BenchPhase {
    @Override
    public String name() {
        return "slow20";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        int cap = c.quick ? 4 : 10;
        BaselinePhase.measure(c, "baseline-20ms", "bench-count-20", 100, c.records, cap, false);
        JobPhase.measure(c, "job-20ms", "bench-count-20", BenchContext.TOPIC, 100, 2, c.records, cap, false);
    }

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        double slow20 = rows.rate("job-20ms") / rows.rate("baseline-20ms");
        t.add("20 ms function: job >= 5 x baseline", slow20, ">= 5", slow20 >= 5);
    }
}
