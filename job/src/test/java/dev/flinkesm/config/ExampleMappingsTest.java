package dev.flinkesm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every mapping shipped in config/ must parse: users copy them. */
class ExampleMappingsTest {

    /** Surefire runs in the job module; the examples live at the repository root. */
    private static final Path CONFIG = Paths.get("..", "config");

    private static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(CONFIG)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleMappingParses() throws IOException {
        return examples().stream()
                .map(f -> DynamicTest.dynamicTest(
                        f.getFileName().toString(),
                        () -> assertThatCode(() -> MappingParser.parse(f)).doesNotThrowAnyException()));
    }

    @Test
    void theExpectedExamplesExist() throws IOException {
        assertThat(examples())
                .extracting(f -> f.getFileName().toString())
                .contains("local-demo.json", "self-managed.json", "msk.json");
    }

    @Test
    void localDemoIsTheDocumentedOne() {
        EventSourceMapping m = MappingParser.parse(CONFIG.resolve("local-demo.json"));
        assertThat(m.functionName()).isEqualTo("demo-logger");
        assertThat(m.topics()).containsExactly("demo-events");
        assertThat(m.startingPosition()).isEqualTo(StartingPosition.TRIM_HORIZON);
        assertThat(m.bootstrapServers()).contains("localhost:9092");
        assertThat(m.batchSize()).isEqualTo(100);
    }

    @Test
    void mskExampleIsMsk() {
        EventSourceMapping m = MappingParser.parse(CONFIG.resolve("msk.json"));
        assertThat(m.isMsk()).isTrue();
        assertThat(m.startingPositionTimestamp()).isPresent();
    }

    @Test
    void theFilterExampleCarriesAwsPatternsAndAnExtension() {
        EventSourceMapping m = MappingParser.parse(CONFIG.resolve("filter-criteria.json"));
        assertThat(m.filterPatterns()).hasSize(3);
        assertThat(m.filterPatterns().get(2)).contains("headers");
    }
}
