package dev.flinkesm.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.filter.FilterQuota;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the JSON that {@code aws lambda create-event-source-mapping --cli-input-json} takes and checks it like
 * {@code KafkaSourceBuilder.sanityCheck()}: every violation is collected, one message per field naming the field (as
 * AWS spells it), the value and the rule, and all are thrown at once in one {@link MappingValidationException}.
 *
 * <p>What each field is and how it is checked is declared in {@link MappingFields}: Kafka fields the job implements;
 * fields with no effect off AWS (accepted with a WARN); fields of other event sources (violations); any other name
 * is unknown (a violation). Kafka fields in {@link #NOT_YET_SUPPORTED} are parsed and validated, then refused.
 */
public final class MappingParser {

    private static final Logger LOG = LoggerFactory.getLogger(MappingParser.class);

    /**
     * Features in the model that the job does not implement yet. A mapping that uses one is refused with
     * {@code <Field> is not supported yet}, after the field itself has been fully parsed and validated into
     * {@link EventSourceMapping}. <b>Removing a name here enables the field</b>: nothing else in the parser changes.
     * Source access types are listed as {@code SourceAccessConfigurations.<Type>}.
     */
    public static final Set<String> NOT_YET_SUPPORTED = Set.of();

    private MappingParser() {}

    /** Parses and validates a mapping under AWS's default filter quota; throws listing every violation. */
    public static EventSourceMapping parse(String json) {
        return parse(json, FilterQuota.AWS_DEFAULT);
    }

    /** Parses and validates a mapping that may have up to {@code quota} filters. */
    public static EventSourceMapping parse(String json, FilterQuota quota) {
        return parse(json, new ParseSettings(NOT_YET_SUPPORTED, quota));
    }

    /** Reads a mapping file (UTF-8). An unreadable file is an {@link UncheckedIOException}, not a config error. */
    public static EventSourceMapping parse(Path file) {
        return parse(file, FilterQuota.AWS_DEFAULT);
    }

    public static EventSourceMapping parse(Path file, FilterQuota quota) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read event source mapping file " + file, e);
        }
        return parse(json, quota);
    }

    /** For tests: parse as if {@link #NOT_YET_SUPPORTED} held {@code notYetSupported}. */
    static EventSourceMapping parse(String json, Set<String> notYetSupported) {
        return parse(json, new ParseSettings(notYetSupported, FilterQuota.AWS_DEFAULT));
    }

    private static EventSourceMapping parse(String json, ParseSettings settings) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = ParseRun.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MappingValidationException(List.of(describe(e)));
        }
        if (root == null || root.isMissingNode()) {
            throw new MappingValidationException(List.of("The mapping is empty; expected a JSON object"));
        }
        if (!root.isObject()) {
            throw new MappingValidationException(
                    List.of("The mapping must be a JSON object, not " + ParseRun.show(root)));
        }
        ParseRun run = new ParseRun(root, settings);
        checkFieldNames(root, run);
        MappingFields.ALL.stream().filter(f -> isKafka(f) && !f.readAfterOthers()).forEach(run::read);
        MappingFields.ALL.stream().filter(f -> isKafka(f) && f.readAfterOthers()).forEach(run::read);
        for (Field<?> field : MappingFields.ALL) {
            if (isKafka(field) && run.present(field) && settings.notYetSupported().contains(field.name())) {
                run.violation(field.name() + " is not supported yet");
            }
        }
        if (!run.violations().isEmpty()) {
            throw new MappingValidationException(run.violations());
        }
        run.logsIfValid().forEach(Runnable::run);
        return mapping(run);
    }

    private static EventSourceMapping mapping(ParseRun run) {
        String selfManagedGroup = run.value(MappingFields.SELF_MANAGED_KAFKA_CONFIG);
        return new EventSourceMapping(
                run.value(MappingFields.UUID),
                run.value(MappingFields.FUNCTION_NAME),
                run.value(MappingFields.TOPICS),
                run.value(MappingFields.STARTING_POSITION),
                run.value(MappingFields.STARTING_POSITION_TIMESTAMP),
                run.value(MappingFields.SELF_MANAGED_EVENT_SOURCE),
                run.value(MappingFields.EVENT_SOURCE_ARN),
                run.value(MappingFields.BATCH_SIZE),
                run.value(MappingFields.MAXIMUM_BATCHING_WINDOW),
                selfManagedGroup != null ? selfManagedGroup : run.value(MappingFields.AMAZON_MANAGED_KAFKA_CONFIG),
                run.value(MappingFields.ENABLED),
                run.value(MappingFields.MAXIMUM_RETRY_ATTEMPTS),
                run.value(MappingFields.MAXIMUM_RECORD_AGE),
                run.value(MappingFields.BISECT_BATCH_ON_FUNCTION_ERROR),
                run.value(MappingFields.FUNCTION_RESPONSE_TYPES),
                run.value(MappingFields.DESTINATION_CONFIG),
                run.value(MappingFields.SOURCE_ACCESS_CONFIGURATIONS),
                run.value(MappingFields.FILTER_CRITERIA));
    }

    /** Sorts the document's field names by kind, in document order: warnings, violations, unknown names. */
    private static void checkFieldNames(JsonNode root, ParseRun run) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            Optional<Field<?>> field = MappingFields.named(name);
            if (field.isEmpty()) {
                run.violation("Unknown field " + name
                        + MappingFields.spelledLike(name).map(known -> " (did you mean " + known + "?)").orElse(""));
                continue;
            }
            String note = field.get().note();
            switch (field.get().kind()) {
                case KAFKA:
                    break;
                case NO_EFFECT_OFF_AWS:
                    run.logIfValid(() -> LOG.warn("Ignoring {}: it has no effect off AWS ({})", name, note));
                    break;
                case OTHER_SOURCES_ONLY:
                    run.violation(name + " does not apply to Kafka (" + note + " only)");
                    break;
                default:
                    throw new IllegalStateException(field.get().kind().name());
            }
        }
    }

    private static boolean isKafka(Field<?> field) {
        return field.kind() == Field.Kind.KAFKA;
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "Invalid JSON" + where + ": " + e.getOriginalMessage();
    }
}
