package dev.flinkesm.cli.api;

import dev.flinkesm.cli.api.ApiError.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * ListEventSourceMappings' query ({@code FunctionName}, {@code EventSourceArn}, {@code Marker}, {@code MaxItems}) and
 * its paging. Pages are in UUID order; {@code NextMarker} is the UUID of a page's last mapping, and the next page
 * starts after it, so paging is stable while mappings are created or deleted between pages (a mapping created
 * behind the marker is not shown on later pages; none is shown twice).
 */
public record ListQuery(String functionName, String eventSourceArn, String marker, int maxItems) {
    /** Lambda's default and maximum page size. */
    public static final int DEFAULT_MAX_ITEMS = 100;
    public static final int MAX_MAX_ITEMS = 10_000;

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    public static ListQuery from(ReceivedRequest request) {
        String maxItems = request.query("MaxItems").orElse(null);
        int max = DEFAULT_MAX_ITEMS;
        if (maxItems != null) {
            try {
                max = Integer.parseInt(maxItems);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > MAX_MAX_ITEMS) {
                throw new ApiException("InvalidParameterValueException", "1 validation error detected: Value '"
                        + maxItems + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1"
                        + " and " + MAX_MAX_ITEMS + ", inclusive");
            }
        }
        String marker = request.query("Marker").filter(m -> !m.isEmpty()).orElse(null);
        if (marker != null && !marker.matches(UUID)) {
            throw new ApiException("InvalidParameterValueException", "Invalid pagination token: " + marker);
        }
        return new ListQuery(request.query("FunctionName").filter(f -> !f.isEmpty()).orElse(null),
                request.query("EventSourceArn").filter(a -> !a.isEmpty()).orElse(null), marker, max);
    }

    /** One page of {@code all}, which must be in ascending UUID order. */
    public <T> Page<T> page(List<T> all, Function<T, String> uuidOf) {
        List<T> items = new ArrayList<>();
        String next = null;
        for (T item : all) {
            String uuid = uuidOf.apply(item);
            if (marker != null && uuid.compareTo(marker) <= 0) {
                continue;
            }
            if (items.size() == maxItems) {
                next = uuidOf.apply(items.get(items.size() - 1));
                break;
            }
            items.add(item);
        }
        return new Page<>(items, next);
    }

    /** @param nextMarker null on the last page */
    public record Page<T>(List<T> items, String nextMarker) {}
}
