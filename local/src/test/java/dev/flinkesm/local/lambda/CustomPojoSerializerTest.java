package dev.flinkesm.local.lambda;

import dev.flinkesm.local.lambda.custom.EchoesItsInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In-process handlers get what the Java runtime gives them: a {@code CustomPojoSerializer} registered through
 * {@code META-INF/services} in the handler's class loader is used both ways, and the remaining time follows the
 * configured timeout. The handler lives in its own class loader, as a deployed function does, so the serializer
 * does not leak into other tests.
 */
class CustomPojoSerializerTest {

    @TempDir
    Path dir;

    @Test
    void aServiceLoadedCustomSerializerReadsTheInputAndWritesTheOutput() throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve("com.amazonaws.services.lambda.runtime.CustomPojoSerializer"),
                "dev.flinkesm.local.lambda.custom.TaggingSerializer\n");
        URL testClasses = EchoesItsInput.class.getProtectionDomain().getCodeSource().getLocation();
        try (ChildFirst loader = new ChildFirst(new URL[] {dir.toUri().toURL(), testClasses});
                FunctionHost host = FunctionHost.start(0);
                LambdaAsyncClient lambda = client(host)) {
            Object handler = loader.loadClass(EchoesItsInput.class.getName()).getConstructor().newInstance();
            assertThat(handler.getClass().getClassLoader()).isSameAs(loader);
            host.register("tagged", handler, Duration.ofSeconds(7));
            host.register("plain", new EchoesItsInput(), Duration.ofSeconds(7));

            String tagged = lambda.invoke(InvokeRequest.builder().functionName("tagged")
                    .payload(SdkBytes.fromUtf8String("\"hi\"")).build()).join().payload().asUtf8String();
            String plain = lambda.invoke(InvokeRequest.builder().functionName("plain")
                    .payload(SdkBytes.fromUtf8String("\"hi\"")).build()).join().payload().asUtf8String();

            assertThat(tagged).isEqualTo("\"out(in(\"hi\") remaining=true)\"");
            assertThat(plain).as("no serializer in the test's own class loader").isEqualTo("\"hi remaining=true\"");
        }
    }

    private static LambdaAsyncClient client(FunctionHost host) {
        return LambdaAsyncClient.builder()
                .endpointOverride(host.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** Loads the handler's package itself (not from the parent), as a function's own class loader would. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls) {
            super(urls, CustomPojoSerializerTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.flinkesm.local.lambda.custom.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }

        @Override
        public void close() throws IOException {
            super.close();
        }
    }
}
