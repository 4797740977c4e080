package dev.flinkesm.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.batch.Batch;
import dev.flinkesm.payload.EncodedRecord;
import java.io.IOException;

/**
 * Reads a partial batch response ({@code FunctionResponseTypes: ReportBatchItemFailures}):
 * {@code {"batchItemFailures":[{"itemIdentifier":{"partition":"topic-0","offset":42}}]}}.
 *
 * <p>As AWS documents for partial batch responses: an empty or null list, an empty or null response means the whole
 * batch succeeded; a response that is not valid JSON, or names an item that is not in the batch (or names it
 * without partition or offset), means the whole batch failed. Otherwise the records before the first reported
 * failure are done, and that record and all after it are retried, keeping the partition's order.
 */
public final class BatchItemFailures {
    /** Everything succeeded. */
    public static final int NONE = -1;
    /** The answer is not a valid partial batch response for this batch: the whole batch failed. */
    public static final int INVALID = -2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchItemFailures() {}

    /**
     * The index in {@code batch} of the first failed record; {@link #NONE} when all succeeded; {@link #INVALID} when
     * the answer cannot be read against this batch, so the whole batch failed.
     */
    public static int firstFailedIndex(byte[] response, Batch batch) {
        JsonNode root;
        try {
            root = response == null || response.length == 0 ? null : JSON.readTree(response);
        } catch (IOException e) {
            return INVALID; // not JSON: the whole batch failed
        }
        if (root == null || root.isNull() || (root.isObject() && root.isEmpty())) {
            return NONE;
        }
        if (!root.isObject()) {
            return INVALID;
        }
        JsonNode failures = root.get("batchItemFailures");
        if (failures == null || failures.isNull() || (failures.isArray() && failures.isEmpty())) {
            return NONE;
        }
        if (!failures.isArray()) {
            return INVALID;
        }
        String partitionKey = batch.topic() + "-" + batch.partition();
        int first = Integer.MAX_VALUE;
        for (JsonNode failure : failures) {
            JsonNode id = failure.get("itemIdentifier");
            if (id == null || !id.isObject() || !partitionKey.equals(id.path("partition").asText(null))) {
                return INVALID;
            }
            JsonNode offsetNode = id.get("offset");
            long offset;
            if (offsetNode != null && offsetNode.isIntegralNumber()) {
                offset = offsetNode.asLong();
            } else if (offsetNode != null && offsetNode.isTextual() && offsetNode.asText().matches("\\d+")) {
                offset = Long.parseLong(offsetNode.asText());
            } else {
                return INVALID;
            }
            int index = indexOf(batch, offset);
            if (index < 0) {
                return INVALID;
            }
            first = Math.min(first, index);
        }
        return first;
    }

    private static int indexOf(Batch batch, long offset) {
        int i = 0;
        for (EncodedRecord r : batch.records()) {
            if (r.offset() == offset) {
                return i;
            }
            i++;
        }
        return -1;
    }
}
