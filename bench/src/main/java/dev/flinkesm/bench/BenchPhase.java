package dev.flinkesm.bench;

import java.util.function.Consumer;

/**
 * One phase of {@code scripts/bench}: a name for {@code --phases}, and a run that records its rows through
 * {@link BenchContext#row} (or {@link BenchRows#put} for rows not timed by first/last arrival). A new phase is one
 * class implementing this, added to {@link BenchMain#PHASES} (where its position is its place in the run and in
 * the report).
 *
 * <p>Invariants the report relies on: a row's key is unique in the run, its {@code name}, {@code records} and
 * {@code recordsPerSecond} are always set, and keys ending in {@code -warm} are warm-ups left out of the table.
 */
interface BenchPhase {
    /** The name {@code --phases} selects it by, e.g. {@code slowfn}. */
    String name();

    /** Whether a run without {@code --phases} includes it; {@code quick} is {@code --quick}. */
    default boolean inDefaultRun(boolean quick) {
        return true;
    }

    /** Runs the phase on the context's broker and function host, adding its rows to {@code context.rows()}. */
    void run(BenchContext context) throws Exception;

    /**
     * This phase's targets (PASS/FAIL against a goal, never asserted), from the rows of the whole run; a target
     * whose value is NaN (its rows did not run) reads "not run". Called whether or not the phase ran.
     */
    default void targets(BenchRows rows, BenchReport.Targets targets) {}

    /** Lines printed under the table about this phase's rows (none when they did not run). */
    default void summary(BenchRows rows, Consumer<String> line) {}
}
