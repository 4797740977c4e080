package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Mapping records as one JSON file per mapping ({@code <UUID>.json}) in a directory that everyone operating the
 * cluster shares (next to the cluster's savepoints, which must be on shared storage anyway). Writes go to a temp
 * file first and are renamed into place atomically, so a reader never sees half a record; operations that change a
 * mapping hold an exclusive lock on {@code <UUID>.lock}, so two operators cannot update one mapping at once.
 */
public final class MappingStore {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public MappingStore(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    private Path file(String uuid) {
        if (!uuid.matches("[0-9a-fA-F-]{36}")) {
            throw EsmError.notFound();
        }
        return dir.resolve(uuid.toLowerCase() + ".json");
    }

    public Optional<MappingRecord> load(String uuid) {
        Path f = file(uuid);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), MappingRecord.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read mapping record " + f, e);
        }
    }

    public MappingRecord require(String uuid) {
        return load(uuid).orElseThrow(EsmError::notFound);
    }

    public List<MappingRecord> all() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<MappingRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("[0-9a-f-]{36}\\.json")).sorted()
                    .toList()) {
                load(f.getFileName().toString().substring(0, 36)).ifPresent(records::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        return records;
    }

    public void save(MappingRecord record) {
        try {
            Files.createDirectories(dir);
            Path target = file(record.uuid);
            Path tmp = dir.resolve("." + record.uuid + "." + UUID.randomUUID() + ".tmp");
            JSON.writeValue(tmp.toFile(), record);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write mapping record for " + record.uuid + " in " + dir, e);
        }
    }

    public void delete(String uuid) {
        try {
            Files.deleteIfExists(file(uuid));
            Files.deleteIfExists(dir.resolve(uuid.toLowerCase() + ".lock"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete mapping record " + uuid, e);
        }
    }

    /**
     * Lock files on which this JVM holds a lock. Java's file locks are POSIX record locks on Linux, which the kernel
     * drops for the whole process when any descriptor of the file is closed; so while this JVM holds a lock, no
     * other channel to that file may be opened and closed (it would silently free the mapping for other processes).
     * Every open/close of a lock file happens under {@code HELD}'s monitor, after checking this set.
     */
    private static final Set<Path> HELD = new HashSet<>();

    /** An exclusive lock for one mapping; {@code ResourceInUseException} if another operation holds it. */
    public Lock lock(String uuid, String what) {
        file(uuid);
        Path f = dir.resolve(uuid.toLowerCase() + ".lock");
        synchronized (HELD) {
            if (HELD.contains(f)) {
                throw EsmError.inUse(what); // held in this JVM: do not touch the file (see HELD)
            }
            try {
                Files.createDirectories(dir);
                FileChannel channel = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close(); // another process holds it; this JVM holds none, so closing frees nothing
                    throw EsmError.inUse(what);
                }
                HELD.add(f);
                return new Lock(f, channel, lock);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot lock mapping " + uuid + " in " + dir, e);
            }
        }
    }

    /** True while some process holds the mapping's lock (an operation is running). */
    public boolean isLocked(String uuid) {
        Path f = dir.resolve(uuid.toLowerCase() + ".lock");
        synchronized (HELD) {
            if (HELD.contains(f)) {
                return true;
            }
            if (!Files.exists(f)) {
                return false;
            }
            try (FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    return true;
                }
                lock.release();
                return false;
            } catch (OverlappingFileLockException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** Released on close. */
    public static final class Lock implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final FileLock lock;

        Lock(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            synchronized (HELD) {
                try {
                    if (lock.isValid()) {
                        lock.release();
                    }
                    channel.close();
                } catch (IOException ignored) {
                    // the lock goes with the channel
                } finally {
                    HELD.remove(file);
                }
            }
        }
    }
}
