package dev.flinkesm.local.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Free ports for servers that bind later, in another process. A port the kernel hands out for "port 0" or for an
 * outgoing connection may be handed out again, to a broker, a function host or any client starting alongside,
 * between this check and the server's bind: one CI run lost its JobManager that way (BindException on the REST
 * port). Below the kernel's ephemeral range only an explicit bind can take it.
 */
public final class FreePorts {
    /** Ports in a row above the one returned that stay below the range (a cluster's Prometheus reporters use 6). */
    public static final int RUN = 8;
    private static final int LOWEST = 10_000;
    private static final Random PORTS = new Random();

    private FreePorts() {}

    /** A port nothing listens on now, with {@link #RUN} ports after it, all below the ephemeral range. */
    public static int belowEphemeralRange() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = LOWEST + PORTS.nextInt(below - LOWEST - RUN);
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between " + LOWEST + " and " + below);
    }

    /** The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
    private static int ephemeralLow() {
        try {
            int low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+")[0]);
            return Math.max(low, 12_000);
        } catch (IOException | RuntimeException unknown) {
            return 32_768; // Linux's default
        }
    }
}
