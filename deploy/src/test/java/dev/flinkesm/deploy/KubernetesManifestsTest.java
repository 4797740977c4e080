package dev.flinkesm.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.config.SourceAccessConfiguration;
import dev.flinkesm.job.EsmJob;
import dev.flinkesm.job.JobArguments;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkSessionJob;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobState;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The manifests under {@code deploy/kubernetes} as the operator would read them, and as the job would run them: the
 * arguments parse with the job's own options, the mapping passes the job's validation, and every file or
 * environment variable the mapping's secrets name is one the pods get from a Kubernetes Secret.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("kubernetes");
    private static final Pattern COPY_TO_USRLIB = Pattern.compile("(?m)^COPY .* (/opt/flink/usrlib/\\S+\\.jar)$");

    private static List<HasMetadata> all(String dir) throws Exception {
        List<HasMetadata> resources = new ArrayList<>();
        try (var files = Files.list(K8S.resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                resources.addAll(Manifests.read(f));
            }
        }
        return resources;
    }

    private static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> resources, Class<T> kind) {
        return resources.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    private static <T extends HasMetadata> T named(List<HasMetadata> resources, Class<T> kind, String name) {
        return ofKind(resources, kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named " + name));
    }

    private static Container mainContainer(FlinkDeployment d) {
        return d.getSpec().getPodTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container")).findFirst()
                .orElseThrow(() -> new AssertionError("no flink-main-container in " + d.getMetadata().getName()));
    }

    /** What every cluster here must set: checkpoints and savepoints kept outside the pods, and the metrics port. */
    private static void assertClusterSettings(FlinkDeployment d) {
        Map<String, String> conf = d.getSpec().getFlinkConfiguration();
        assertThat(conf.get("execution.checkpointing.dir")).startsWith("s3://");
        assertThat(conf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
        assertThat(conf).containsEntry("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        String port = conf.get("metrics.reporter.prom.port");
        assertThat(mainContainer(d).getPorts()).anySatisfy(p -> assertThat(p.getContainerPort())
                .isEqualTo(Integer.valueOf(port)));
    }

    private static void assertRunsTheJobWithSavepointUpgrades(JobSpec job) {
        assertThat(job.getEntryClass()).isEqualTo(EsmJob.class.getName());
        assertThat(job.getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(job.getState()).isEqualTo(JobState.RUNNING);
    }

    @Nested
    class ReadingIsStrict {
        private static final String DEPLOYMENT = "apiVersion: flink.apache.org/v1beta1\nkind: FlinkDeployment\n"
                + "metadata:\n  name: x\nspec:\n  image: i\n  flinkVersion: v2_2\n";

        @Test
        void aMisspelledOperatorFieldIsRefused() {
            assertThatThrownBy(() -> Manifests.read(DEPLOYMENT + "  job:\n    jarURI: local:///a.jar\n"
                    + "    upgradeModes: savepoint\n"))
                    .hasMessageContaining("upgradeModes");
        }

        @Test
        void aMisspelledKubernetesFieldIsRefused() {
            assertThatThrownBy(() -> Manifests.read(DEPLOYMENT + "  podTemplate:\n    spec:\n      containers:\n"
                    + "        - name: flink-main-container\n          volumeMount: []\n"))
                    .hasMessageContaining("volumeMount");
        }

        @Test
        void anotherFlinkVersionThanTheImagesIsRefused() {
            assertThatThrownBy(() -> Manifests.read(DEPLOYMENT.replace("v2_2", "v1_20")))
                    .hasMessage("spec.flinkVersion must be v2_2 (the image's)");
        }
    }

    @Nested
    class ApplicationMode {
        private static List<HasMetadata> resources;
        private static FlinkDeployment deployment;

        @BeforeAll
        static void read() throws Exception {
            resources = all("application");
            deployment = named(resources, FlinkDeployment.class, "esm-orders");
        }

        @Test
        void runsTheJarTheDockerfilePutsInUsrlib() throws Exception {
            Matcher copy = COPY_TO_USRLIB.matcher(Files.readString(Path.of("Dockerfile")));
            assertThat(copy.find()).as("Dockerfile copies the job jar into usrlib/").isTrue();
            assertThat(deployment.getSpec().getJob().getJarURI()).isEqualTo("local://" + copy.group(1));
            assertThat(Files.readString(Path.of("Dockerfile"))).contains("FROM flink:2.2.1-java17");
        }

        @Test
        void upgradesThroughSavepointsAndStartsRunning() {
            assertRunsTheJobWithSavepointUpgrades(deployment.getSpec().getJob());
            assertClusterSettings(deployment);
        }

        @Test
        void theArgumentsAreTheJobsAndTheMappingIsAValidMappingFromTheConfigMap() throws Exception {
            JobArguments args = JobArguments.parse(deployment.getSpec().getJob().getArgs());
            Path file = args.mappingFile().orElseThrow(() -> new AssertionError("--mapping FILE expected"));
            String json = mountedConfigMapFile(file);
            EventSourceMapping mapping = MappingParser.parse(json);
            assertThat(mapping.topics()).containsExactly("orders");
            assertThat(args.options().maxConcurrentInvocations).isEqualTo(64);

            assertThat(mapping.sourceAccessConfigurations()).isNotEmpty();
            for (SourceAccessConfiguration access : mapping.sourceAccessConfigurations()) {
                assertThat(access.uri()).startsWith("file://");
                assertThat(mountedSecretHas(Path.of(access.uri().substring("file://".length()))))
                        .as("%s is a key of a Secret mounted there", access.uri()).isTrue();
            }
        }

        /** The content the pod sees at {@code file}: a key of a ConfigMap whose volume is mounted above it. */
        private String mountedConfigMapFile(Path file) {
            for (VolumeMount mount : mainContainer(deployment).getVolumeMounts()) {
                if (file.getParent().equals(Path.of(mount.getMountPath()))) {
                    Volume volume = volume(mount.getName());
                    assertThat(volume.getConfigMap()).as("volume %s is a ConfigMap", mount.getName()).isNotNull();
                    ConfigMap map = named(resources, ConfigMap.class, volume.getConfigMap().getName());
                    String data = map.getData().get(file.getFileName().toString());
                    assertThat(data).as("key %s of ConfigMap %s", file.getFileName(), map.getMetadata().getName())
                            .isNotNull();
                    return data;
                }
            }
            throw new AssertionError(file + " is not in a mounted volume");
        }

        private boolean mountedSecretHas(Path file) {
            for (VolumeMount mount : mainContainer(deployment).getVolumeMounts()) {
                if (file.getParent().equals(Path.of(mount.getMountPath()))) {
                    Volume volume = volume(mount.getName());
                    if (volume.getSecret() == null) {
                        return false;
                    }
                    Secret secret = named(resources, Secret.class, volume.getSecret().getSecretName());
                    return secret.getStringData().containsKey(file.getFileName().toString());
                }
            }
            return false;
        }

        private Volume volume(String name) {
            return deployment.getSpec().getPodTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + name));
        }
    }

    @Nested
    class SessionMode {
        private static List<HasMetadata> resources;

        @BeforeAll
        static void read() throws Exception {
            resources = all("session");
        }

        @Test
        void theSessionClusterRunsNoJobOfItsOwn() {
            FlinkDeployment session = named(resources, FlinkDeployment.class, "esm-session");
            assertThat(session.getSpec().getJob()).isNull();
            assertClusterSettings(session);
        }

        @Test
        void eachSessionJobIsAValidMappingOnThatClusterWithItsSecretsFromKubernetesSecrets() throws Exception {
            List<FlinkSessionJob> jobs = ofKind(resources, FlinkSessionJob.class);
            assertThat(jobs).isNotEmpty();
            for (FlinkSessionJob job : jobs) {
                FlinkDeployment session = named(resources, FlinkDeployment.class, job.getSpec().getDeploymentName());
                assertRunsTheJobWithSavepointUpgrades(job.getSpec().getJob());
                assertThat(job.getSpec().getJob().getJarURI()).matches("(https?|s3)://.*-flink\\.jar");

                JobArguments args = JobArguments.parse(job.getSpec().getJob().getArgs());
                EventSourceMapping mapping = args.mapping();
                for (SourceAccessConfiguration access : mapping.sourceAccessConfigurations()) {
                    assertThat(access.uri()).startsWith("env://");
                    String variable = access.uri().substring("env://".length());
                    EnvVar env = envVar(session, variable).orElseThrow(() -> new AssertionError(
                            "session cluster " + session.getMetadata().getName() + " sets no " + variable));
                    var ref = env.getValueFrom().getSecretKeyRef();
                    assertThat(named(resources, Secret.class, ref.getName()).getStringData()).containsKey(ref.getKey());
                }
            }
        }

        private Optional<EnvVar> envVar(FlinkDeployment d, String name) {
            return mainContainer(d).getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
        }
    }
}
