package dev.flinkesm.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;
import java.util.function.Function;

/**
 * One top-level field of a mapping, as AWS spells it, declared once in {@link MappingFields}: what kind of field it
 * is, whether {@code UpdateEventSourceMapping} takes it, and for a Kafka field how it is read (checks, messages),
 * what it defaults to, and how {@link EventSourceMapping#toJson()} writes it.
 *
 * @param <T> the value the field gives the mapping (a component of {@link EventSourceMapping})
 */
public final class Field<T> {

    /** What the job does with a field. */
    public enum Kind {
        /** A Kafka field the job implements: read into the mapping, written by toJson. */
        KAFKA,
        /** Accepted, with a WARN naming {@link #note()}: it has no effect off AWS. Never written. */
        NO_EFFECT_OFF_AWS,
        /** A violation naming the event sources of {@link #note()} it belongs to. */
        OTHER_SOURCES_ONLY
    }

    /** Reads a field's JSON (null when absent or JSON null), reporting violations to the run; null = no value. */
    @FunctionalInterface
    interface Reader<T> {
        T read(JsonNode node, String name, ParseRun run);
    }

    /** Writes a present, non-default value under the field's name. */
    @FunctionalInterface
    interface Writer<T> {
        void write(ObjectNode root, String name, T value);
    }

    /** {@link #updateSlot()} of a field only {@code CreateEventSourceMapping} takes. */
    static final int CREATE_ONLY = -1;

    private final String name;
    private final Kind kind;
    private final String note;
    private final int updateSlot;
    private final T defaultValue;
    private final boolean writtenWhenDefault;
    private final boolean readAfterOthers;
    private final Reader<T> reader;
    private final Function<EventSourceMapping, T> valueIn;
    private final Writer<T> writer;

    private Field(Draft<T> d) {
        this.name = Objects.requireNonNull(d.name);
        this.kind = d.kind;
        this.note = d.note;
        this.updateSlot = d.updateSlot;
        this.defaultValue = d.defaultValue;
        this.writtenWhenDefault = d.writtenWhenDefault;
        this.readAfterOthers = d.readAfterOthers;
        this.reader = d.reader;
        this.valueIn = d.valueIn;
        this.writer = d.writer;
        if (kind == Kind.KAFKA) {
            Objects.requireNonNull(reader, name + ": reader");
            Objects.requireNonNull(valueIn, name + ": value");
            Objects.requireNonNull(writer, name + ": writer");
        }
    }

    static <T> Draft<T> kafka(String name) {
        return new Draft<>(name, Kind.KAFKA, null);
    }

    static Draft<Void> noEffectOffAws(String name, String why) {
        return new Draft<>(name, Kind.NO_EFFECT_OFF_AWS, why);
    }

    static Draft<Void> otherSourcesOnly(String name, String sources) {
        return new Draft<>(name, Kind.OTHER_SOURCES_ONLY, sources);
    }

    /** AWS's JSON name. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** Why a field has no effect off AWS, or which event sources a field belongs to; null for Kafka fields. */
    public String note() {
        return note;
    }

    /** True when {@code UpdateEventSourceMapping} (and so {@code esm update}) takes the field. */
    public boolean updatable() {
        return updateSlot != CREATE_ONLY;
    }

    /** Position among UpdateEventSourceMapping's parameters, in the AWS CLI's order; {@link #CREATE_ONLY} if none. */
    int updateSlot() {
        return updateSlot;
    }

    /** The value when the field is absent; null for required and optional fields. */
    T defaultValue() {
        return defaultValue;
    }

    /** True when the field's default depends on other fields, so it is read after all of them (UUID). */
    boolean readAfterOthers() {
        return readAfterOthers;
    }

    /** The field's value in {@code run}: what it read, or the default. */
    T read(JsonNode node, ParseRun run) {
        T value = reader.read(node, name, run);
        return value != null ? value : defaultValue;
    }

    /** The mapping's value of this field, as {@link #read} gave it. */
    T valueIn(EventSourceMapping mapping) {
        return valueIn.apply(mapping);
    }

    /** Writes the field unless the mapping leaves it unset, or at a default that is not written out. */
    void writeTo(ObjectNode root, EventSourceMapping mapping) {
        if (kind != Kind.KAFKA) {
            return;
        }
        T value = valueIn.apply(mapping);
        if (value == null || (!writtenWhenDefault && value.equals(defaultValue))) {
            return;
        }
        writer.write(root, name, value);
    }

    @Override
    public String toString() {
        return name;
    }

    /** A field under declaration; {@link #declared()} ends it. */
    static final class Draft<T> {
        private final String name;
        private final Kind kind;
        private final String note;
        private int updateSlot = CREATE_ONLY;
        private T defaultValue;
        private boolean writtenWhenDefault;
        private boolean readAfterOthers;
        private Reader<T> reader;
        private Function<EventSourceMapping, T> valueIn;
        private Writer<T> writer;

        private Draft(String name, Kind kind, String note) {
            this.name = name;
            this.kind = kind;
            this.note = note;
        }

        /** UpdateEventSourceMapping takes it, at {@code slot} in the AWS CLI's list of its parameters. */
        Draft<T> updatable(int slot) {
            this.updateSlot = slot;
            return this;
        }

        /** The value when absent; it is left out of the canonical JSON unless {@link #writtenWhenDefault()}. */
        Draft<T> byDefault(T value) {
            this.defaultValue = value;
            return this;
        }

        Draft<T> writtenWhenDefault() {
            this.writtenWhenDefault = true;
            return this;
        }

        Draft<T> readAfterOthers() {
            this.readAfterOthers = true;
            return this;
        }

        Draft<T> reads(Reader<T> reader) {
            this.reader = reader;
            return this;
        }

        /** The mapping's value of the field, and how it is written (only when present and not a left-out default). */
        Draft<T> writes(Function<EventSourceMapping, T> valueIn, Writer<T> writer) {
            this.valueIn = valueIn;
            this.writer = writer;
            return this;
        }

        Field<T> declared() {
            return new Field<>(this);
        }
    }
}
