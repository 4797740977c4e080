package dev.flinkesm.local.lambda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * What a {@link FunctionHost} serves and what it saw: the registered functions, the faults injected per function
 * name, and the record of every answered request. Thread-safe; the HTTP side reads it from its I/O threads.
 */
final class FunctionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(FunctionRegistry.class);

    private final Map<String, HostedFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, Faults> faults = new ConcurrentHashMap<>();
    private final Map<String, Queue<Invocation>> invocations = new ConcurrentHashMap<>();
    private volatile boolean recording = true;
    /** Called for every answered request, recording on or off (e.g. to append deliveries to a file). */
    private volatile Consumer<Invocation> listener;

    /** Registers {@code function}, closing the one it replaces. */
    void replace(HostedFunction function) {
        HostedFunction previous = functions.put(function.name(), function);
        if (previous != null) {
            previous.close();
        }
    }

    /** The registered function of this name, or null. */
    HostedFunction function(String functionName) {
        return functions.get(functionName);
    }

    /** The faults for this function (created on first use, also for names not registered yet). */
    Faults faults(String functionName) {
        return faults.computeIfAbsent(functionName, name -> new Faults());
    }

    /** Every answered request for this function, in arrival order (a thread-safe snapshot). */
    List<Invocation> invocations(String functionName) {
        Queue<Invocation> recorded = invocations.get(functionName);
        if (recorded == null) {
            return List.of();
        }
        List<Invocation> snapshot = new ArrayList<>(recorded);
        snapshot.sort(Comparator.comparingLong(Invocation::arrivalNanos));
        return List.copyOf(snapshot);
    }

    void clearInvocations() {
        invocations.clear();
    }

    void recording(boolean enabled) {
        this.recording = enabled;
    }

    void onAnswered(Consumer<Invocation> listener) {
        this.listener = listener;
    }

    /** Records one answered request (if recording is on) and tells the listener (if there is one). */
    void record(InvokeRoute route, long arrivalNanos, Instant arrivedAt, byte[] body, int status, String error) {
        Consumer<Invocation> l = listener;
        if (!recording && l == null) {
            return;
        }
        Invocation invocation =
                new Invocation(route.name(), route.qualifier(), arrivalNanos, arrivedAt, body, status, error);
        if (recording) {
            invocations.computeIfAbsent(route.name(), name -> new ConcurrentLinkedQueue<>()).add(invocation);
        }
        if (l != null) {
            try {
                l.accept(invocation);
            } catch (RuntimeException e) {
                LOG.warn("Invocation listener failed", e);
            }
        }
    }

    /** Closes every registered function. */
    void closeAll() {
        functions.values().forEach(HostedFunction::close);
    }
}
