package dev.flinkesm.config;

/** Where a consumer group without committed offsets starts reading; AWS's {@code StartingPosition}. */
public enum StartingPosition {
    /** The earliest offset still in the log. */
    TRIM_HORIZON,
    /** The end of the log: only records produced after the mapping starts. */
    LATEST,
    /** The first offset whose timestamp is at or after {@code StartingPositionTimestamp}. */
    AT_TIMESTAMP
}
