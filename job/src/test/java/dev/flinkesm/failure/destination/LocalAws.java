package dev.flinkesm.failure.destination;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * Test settings for real SDK clients against local servers. The destinations use the SDK's default credentials and
 * region chains (as in production), so tests feed those chains through system properties, and restore them after.
 */
final class LocalAws {
    static final String ACCESS_KEY = "test-access";
    static final String SECRET_KEY = "test-secret";

    private static final String[] KEYS = {"aws.accessKeyId", "aws.secretAccessKey", "aws.region"};
    private static final Map<String, String> saved = new HashMap<>();

    private LocalAws() {}

    static synchronized void useFakeCredentials() {
        for (String k : KEYS) {
            saved.put(k, System.getProperty(k));
        }
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        System.setProperty("aws.region", "us-east-1");
    }

    static synchronized void restore() {
        for (String k : KEYS) {
            String v = saved.get(k);
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        }
    }

    /** An endpoint where nothing listens: a port that was free a moment ago. */
    static String deadEndpoint() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }
}
