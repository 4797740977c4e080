package dev.flinkesm.cli.api;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flinkesm.cli.Esm;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * {@code esm serve}: Lambda's event source mapping API over the JDK's HTTP server, on the operations of {@link Esm}.
 * Request threads are twice the admission limit, so a request beyond the limit is answered at once with
 * TooManyRequestsException instead of waiting in a queue.
 */
public final class ApiServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService requests;
    private final ExecutorService background;

    private ApiServer(HttpServer server, ExecutorService requests, ExecutorService background) {
        this.server = server;
        this.requests = requests;
        this.background = background;
    }

    /** Where and how to listen. {@code keyStore} null: plain HTTP. */
    public record Settings(String host, int port, int maxConcurrentRequests, Path keyStore, char[] keyStorePassword) {
        public static Settings http(String host, int port) {
            return new Settings(host, port, 64, null, null);
        }
    }

    public static ApiServer start(Esm esm, List<String> jobArgs, AccessKeys keys, Settings settings)
            throws IOException {
        InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
        HttpServer server = settings.keyStore() == null ? HttpServer.create(address, 128)
                : https(address, settings.keyStore(), settings.keyStorePassword());
        ExecutorService requests = Executors.newFixedThreadPool(Math.max(2, 2 * settings.maxConcurrentRequests()),
                daemon("esm-api-"));
        ExecutorService background = Executors.newCachedThreadPool(daemon("esm-api-operation-"));
        MappingOperations operations = new MappingOperations(esm, jobArgs, background);
        server.createContext("/", new MappingApi(operations,
                new SigV4Verifier(keys, Clock.systemUTC(), "lambda"), settings.maxConcurrentRequests()));
        server.setExecutor(requests);
        server.start();
        return new ApiServer(server, requests, background);
    }

    private static HttpsServer https(InetSocketAddress address, Path keyStore, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(address, 128);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            return server;
        } catch (GeneralSecurityException e) {
            throw new IOException("Cannot use key store " + keyStore + ": " + e.getMessage(), e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops taking requests, then lets operations already running (a stop-with-savepoint) finish, up to 2 min. */
    @Override
    public void close() {
        server.stop(0);
        requests.shutdown();
        background.shutdown();
        try {
            background.awaitTermination(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
