package dev.flinkesm.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import software.amazon.event.ruler.Machine;

/**
 * A mapping's {@code FilterCriteria}, compiled: every filter's rules in one event-ruler {@link Machine}, a record
 * passing when any filter matches it (Lambda ORs its filters). Build with {@link FilterCriteria#compile}.
 *
 * <p>Not thread-safe (the {@link FilterEvent} it reuses): one per deserializer, used on the task thread.
 */
public final class RecordFilter {
    private final Machine machine;
    private final FilterEvent events;

    RecordFilter(List<ObjectNode> patterns) {
        this.machine = new Machine();
        this.events = new FilterEvent(
                patterns.stream().anyMatch(p -> PatternRules.names(p, PatternRules.VALUE)),
                patterns.stream().anyMatch(p -> PatternRules.names(p, PatternRules.KEY)),
                patterns.stream().anyMatch(p -> PatternRules.names(p, PatternRules.HEADERS)));
        for (int i = 0; i < patterns.size(); i++) {
            for (String rule : PatternRules.of(patterns.get(i))) {
                try {
                    machine.addRule(String.valueOf(i), rule);
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException("FilterCriteria.Filters[" + i + "]: " + e.getMessage(), e);
                }
            }
        }
    }

    /** True when the record matches at least one filter and is delivered; false: it is filtered out. */
    public boolean matches(ConsumerRecord<byte[], byte[]> record) {
        return matches(events.of(record));
    }

    boolean matches(String filterEvent) {
        try {
            return !machine.rulesForJSONEvent(filterEvent).isEmpty();
        } catch (Exception e) {
            // The event is JSON this class wrote; failing here is a bug, not a record to skip silently.
            throw new IllegalStateException("event-ruler refused a filter event", e);
        }
    }
}
