package dev.flinkesm.cli.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.cli.Esm;
import dev.flinkesm.cli.EsmError;
import dev.flinkesm.cli.MappingRecord;
import dev.flinkesm.cli.MappingStatus;
import dev.flinkesm.cli.UpdateRules;
import dev.flinkesm.cli.api.ApiError.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's five operations, carried out by the same {@link Esm} operations as the {@code esm} command; this class
 * only adapts them to what Lambda answers:
 *
 * <ul>
 *   <li>create answers once the job is submitted (State Creating), as the command does;
 *   <li>update and delete answer 202 as soon as the operation holds the mapping's lock and has recorded that it is
 *       Updating / Disabling / Enabling / Deleting, like Lambda; the stop-with-savepoint and resubmission go on in
 *       the background, and get/list meanwhile show that state. Errors found before that point (validation, a
 *       mapping in use, not found) are the request's answer;
 *   <li>a create racing another create of the same mapping (same UUID: function, topics, cluster) is a
 *       ResourceConflictException, whichever of the two holds the lock.
 * </ul>
 */
public final class MappingOperations {
    private static final Logger LOG = LoggerFactory.getLogger(MappingOperations.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Esm esm;
    private final List<String> jobArgs;
    private final ExecutorService background;

    /**
     * @param jobArgs extra job arguments for every job a create starts ({@code esm serve -- JOB_ARGS})
     * @param background runs updates and deletes after their answer; the caller shuts it down
     */
    public MappingOperations(Esm esm, List<String> jobArgs, ExecutorService background) {
        this.esm = esm;
        this.jobArgs = List.copyOf(jobArgs);
        this.background = background;
    }

    public ObjectNode create(String body) {
        ObjectNode request = object(body);
        if (request.hasNonNull("UUID")) {
            // The API has no UUID parameter: Lambda assigns it. Taking one would let a caller pick another's id.
            throw new ApiException("InvalidParameterValueException",
                    "UUID is not a parameter of CreateEventSourceMapping: the service assigns it");
        }
        MappingRecord record;
        try {
            record = esm.create(request.toString(), jobArgs);
        } catch (EsmError e) {
            if (e.type().equals("ResourceInUseException")) {
                throw new ApiException("ResourceConflictException", "An event source mapping with the same "
                        + "function, topics and event source is being created by another request.");
            }
            throw e;
        }
        return wire(record, esm.status(record));
    }

    public ObjectNode get(String uuid) {
        MappingRecord record = esm.record(uuid);
        return wire(record, esm.status(record));
    }

    public ObjectNode list(ListQuery query) {
        List<MappingRecord> matching = new ArrayList<>();
        for (MappingRecord r : esm.list(query.functionName())) {
            if (query.eventSourceArn() == null
                    || query.eventSourceArn().equals(r.mapping.path("EventSourceArn").asText(null))) {
                matching.add(r);
            }
        }
        matching.sort(Comparator.comparing(r -> r.uuid));
        ListQuery.Page<MappingRecord> page = query.page(matching, r -> r.uuid);
        List<ObjectNode> out = new ArrayList<>();
        for (MappingRecord r : page.items()) {
            out.add(wire(r, esm.status(r)));
        }
        return WireFormat.list(out, page.nextMarker());
    }

    public ObjectNode update(String uuid, String body) {
        ObjectNode changes = object(body);
        String inBody = changes.path("UUID").asText(uuid);
        if (!inBody.equalsIgnoreCase(uuid)) {
            throw new ApiException("InvalidParameterValueException", "UUID in the body (" + inBody
                    + ") differs from the UUID in the path (" + uuid + ")");
        }
        changes.remove("UUID");
        MappingRecord before = esm.record(uuid); // not found before anything starts
        // Lambda answers an update with the new configuration in state Updating; the record keeps the running
        // mapping until the new job is submitted, so the answer shows the changes applied to it.
        ObjectNode next = readObject(UpdateRules.apply(before.mapping, changes, before.jobArgs).toJson());
        return startAndAnswer(uuid, "update", r -> withMapping(r, next), () -> {
            MappingRecord r = esm.update(uuid, changes);
            return wire(r, esm.status(r));
        });
    }

    public ObjectNode delete(String uuid) {
        esm.record(uuid);
        return startAndAnswer(uuid, "delete", r -> r, () -> WireFormat.configuration(esm.delete(uuid)));
    }

    /**
     * Runs {@code operation} in the background and answers with its result if it ends quickly, or with the
     * mapping's recorded in-progress state once the operation has taken the lock and written it.
     */
    private ObjectNode startAndAnswer(String uuid, String what, UnaryOperator<MappingRecord> presented,
            Supplier<ObjectNode> operation) {
        CompletableFuture<ObjectNode> done = CompletableFuture.supplyAsync(operation, background);
        done.whenComplete((ok, failure) -> {
            if (failure != null && !(cause(failure) instanceof EsmError ee && ee.exitCode() != EsmError.OTHER)) {
                LOG.warn("{} of mapping {} failed: {}", what, uuid, cause(failure).getMessage());
            }
        });
        while (true) {
            try {
                return done.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillRunning) {
                Optional<MappingRecord> now = esm.store().load(uuid);
                if (now.isPresent() && now.get().pending != null && esm.store().isLocked(uuid)) {
                    return wire(presented.apply(now.get()), MappingStatus.derive(now.get(), null, null));
                }
            } catch (ExecutionException e) {
                Throwable c = cause(e);
                throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EsmError.service("Interrupted", e);
            }
        }
    }

    private ObjectNode wire(MappingRecord record, MappingStatus status) {
        return WireFormat.configuration(esm.configuration(record, status));
    }

    private static MappingRecord withMapping(MappingRecord r, ObjectNode mapping) {
        MappingRecord copy = new MappingRecord();
        copy.uuid = r.uuid;
        copy.mapping = mapping;
        copy.lastModified = r.lastModified;
        copy.jobId = r.jobId;
        copy.pending = r.pending;
        copy.lastError = r.lastError;
        return copy;
    }

    private static ObjectNode readObject(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Throwable cause(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static ObjectNode object(String body) {
        JsonNode node;
        try {
            node = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new ApiException("SerializationException", "The request body is not JSON");
        }
        if (!(node instanceof ObjectNode o)) {
            throw new ApiException("SerializationException", "The request body must be a JSON object");
        }
        return o;
    }
}
