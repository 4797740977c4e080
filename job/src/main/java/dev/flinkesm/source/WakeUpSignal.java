package dev.flinkesm.source;

import java.util.concurrent.CompletableFuture;

/**
 * Lets other threads (SDK callbacks, timers, the admin client) wake the task thread that waits on
 * {@code SourceReader#isAvailable()}. Callers first publish their work (a queue), then call {@link #wakeUp()}; the
 * reader {@link #reset()}s, then checks its queue, then waits on {@link #future()}: with the field volatile, no
 * wake-up can fall between the check and the wait.
 */
final class WakeUpSignal {
    private volatile CompletableFuture<Void> future = new CompletableFuture<>();

    void wakeUp() {
        future.complete(null);
    }

    void reset() {
        if (future.isDone()) {
            future = new CompletableFuture<>();
        }
    }

    CompletableFuture<Void> future() {
        return future;
    }
}
