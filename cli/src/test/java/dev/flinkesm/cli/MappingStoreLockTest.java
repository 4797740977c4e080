package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping lock against a second process (the esm command beside esm serve), checked from a child JVM. */
class MappingStoreLockTest {
    private static final String UUID = "6a2b7e84-0c8a-4a5c-9f1e-2d3c4b5a6978";

    @TempDir Path dir;

    /** Child JVM: tries the lock once, prints "locked" or "in use". */
    public static void main(String[] args) {
        try (MappingStore.Lock ignored = new MappingStore(Path.of(args[0])).lock(UUID, "probe")) {
            System.out.print("locked");
        } catch (EsmError e) {
            System.out.print("in use");
        }
    }

    private String otherProcessTries() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MappingStoreLockTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.trim();
    }

    @Test
    void aLockStaysHeldForOtherProcessesWhileThisJvmChecksAndRetriesIt() throws Exception {
        MappingStore store = new MappingStore(dir);
        try (MappingStore.Lock held = store.lock(UUID, "update")) {
            // Both used to open and close a second descriptor of the lock file, which on Linux drops the lock.
            assertThat(store.isLocked(UUID)).isTrue();
            assertThatThrownBy(() -> store.lock(UUID, "update")).isInstanceOfSatisfying(EsmError.class,
                    e -> assertThat(e.type()).isEqualTo("ResourceInUseException"));
            assertThat(otherProcessTries()).isEqualTo("in use");
        }
        assertThat(store.isLocked(UUID)).isFalse();
        assertThat(otherProcessTries()).isEqualTo("locked");
    }
}
