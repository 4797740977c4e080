package dev.flinkesm.cli;

import dev.flinkesm.cli.api.AccessKeys;
import dev.flinkesm.cli.api.ApiServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code esm serve}: the same operations as the other subcommands, as Lambda's REST API, so the AWS CLI, the SDKs,
 * boto3 and Terraform manage mappings with {@code --endpoint-url} pointed here. Runs until killed.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve Lambda's event source mapping API (SigV4-authenticated) on this cluster.")
final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--port", required = true, paramLabel = "PORT") int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--access-keys", paramLabel = "FILE",
            description = "JSON array of {\"AccessKeyId\", \"SecretAccessKey\"} the server accepts "
                    + "(or the same JSON in env " + AccessKeys.ENV + ").")
    Path accessKeys;

    @Option(names = "--max-concurrent-requests", defaultValue = "64", paramLabel = "N",
            description = "Requests served at once; more are answered TooManyRequestsException (default 64).")
    int maxConcurrent;

    @Option(names = "--tls-key-store", paramLabel = "PKCS12",
            description = "Serve HTTPS with this PKCS12 key store; its password in env ESM_TLS_KEY_STORE_PASSWORD.")
    Path keyStore;

    @Parameters(paramLabel = "JOB_ARG", description = "After --: extra arguments for every job a create starts.")
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        AccessKeys keys = keys();
        char[] password = keyStore == null ? null
                : environment().getOrDefault("ESM_TLS_KEY_STORE_PASSWORD", "").toCharArray();
        ApiServer server = ApiServer.start(common.esm(), jobArgs, keys,
                new ApiServer.Settings(host, port, maxConcurrent, keyStore, password));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "esm-serve-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("esm serve: Lambda event source mapping API on " + (keyStore == null ? "http" : "https") + "://"
                + host + ":" + server.port() + " for Flink " + common.flinkUrl() + " (" + keys.size()
                + " access keys)");
        out.flush();
        stopped.await();
        return 0;
    }

    private static java.util.Map<String, String> environment() {
        return CommonOptions.environment;
    }

    private AccessKeys keys() {
        if (accessKeys != null) {
            return AccessKeys.fromFile(accessKeys);
        }
        String json = environment().get(AccessKeys.ENV);
        if (json == null || json.isBlank()) {
            throw new EsmError("ParamValidation", "esm serve needs access keys: --access-keys FILE or env "
                    + AccessKeys.ENV + " (a JSON array of {\"AccessKeyId\", \"SecretAccessKey\"})",
                    EsmError.PARAMETERS);
        }
        return AccessKeys.parse(json, "env " + AccessKeys.ENV);
    }
}
