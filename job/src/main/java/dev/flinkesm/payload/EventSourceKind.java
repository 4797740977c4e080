package dev.flinkesm.payload;

/** Which kind of Kafka event source a mapping reads: decides the event's {@code eventSource} value. */
public enum EventSourceKind {
    /** A self-managed Apache Kafka cluster, addressed by bootstrap servers. */
    SELF_MANAGED("SelfManagedKafka"),
    /** Amazon MSK: the event also carries {@code eventSourceArn}. */
    MSK("aws:kafka");

    private final String eventSource;

    EventSourceKind(String eventSource) {
        this.eventSource = eventSource;
    }

    /** The exact string Lambda puts in the event's {@code eventSource} field. */
    public String eventSource() {
        return eventSource;
    }
}
