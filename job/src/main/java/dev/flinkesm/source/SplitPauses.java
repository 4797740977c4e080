package dev.flinkesm.source;

import dev.flinkesm.delivery.PartitionState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Which splits the Kafka reader fetches for: the union of the pauses delivery asks for (a partition that cannot use
 * more records) and Flink's own (watermark alignment). A split resumes only when neither wants it paused.
 */
final class SplitPauses {
    private final BiConsumer<Collection<String>, Collection<String>> kafkaPauseOrResume;
    private final Set<String> pausedForDelivery = new HashSet<>();
    private final Set<String> pausedByFlink = new HashSet<>();

    /** @param kafkaPauseOrResume the Kafka reader's {@code pauseOrResumeSplits} */
    SplitPauses(BiConsumer<Collection<String>, Collection<String>> kafkaPauseOrResume) {
        this.kafkaPauseOrResume = kafkaPauseOrResume;
    }

    /** Pauses one split at once (mid-poll, before the rest of the poll reads further ahead for it). */
    void pauseNow(PartitionState partition) {
        String splitId = partition.splitId();
        if (pausedForDelivery.add(splitId)) {
            kafkaPauseOrResume.accept(List.of(splitId), List.of());
        }
    }

    /**
     * Pauses or resumes the splits of {@code changed}, the partitions whose pause state may have changed (the
     * engine's {@code drainPauseChecks}), as delivery wants; one call to the Kafka reader for all. Costs what
     * changed, not the partition count: a partition not handed here keeps its state.
     */
    void update(Consumer<Consumer<PartitionState>> changed, Predicate<PartitionState> shouldPause) {
        List<String> pause = new ArrayList<>();
        List<String> resume = new ArrayList<>();
        changed.accept(partition -> {
            String splitId = partition.splitId();
            boolean paused = shouldPause.test(partition);
            if (paused && pausedForDelivery.add(splitId)) {
                pause.add(splitId);
            } else if (!paused && pausedForDelivery.remove(splitId) && !pausedByFlink.contains(splitId)) {
                resume.add(splitId);
            }
        });
        if (!pause.isEmpty() || !resume.isEmpty()) {
            kafkaPauseOrResume.accept(pause, resume);
        }
    }

    /** Flink's own pause or resume (watermark alignment). */
    void fromFlink(Collection<String> toPause, Collection<String> toResume) {
        pausedByFlink.addAll(toPause);
        pausedByFlink.removeAll(toResume);
        List<String> resume = new ArrayList<>();
        for (String splitId : toResume) {
            if (!pausedForDelivery.contains(splitId)) {
                resume.add(splitId);
            }
        }
        kafkaPauseOrResume.accept(toPause, resume);
    }
}
