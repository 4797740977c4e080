package dev.flinkesm.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkSessionJob;

/**
 * Reads Kubernetes manifests into the Flink Kubernetes Operator's own model classes and fabric8's Kubernetes model,
 * refusing any field those classes do not have: Jackson fails on unknown properties, even of the operator's spec
 * classes that say {@code @JsonIgnoreProperties(ignoreUnknown = true)} (the operator would silently drop a misspelled
 * field), and {@link #unknownFields} finds those fabric8's classes quietly keep in {@code additionalProperties}.
 */
final class Manifests {
    /** The Flink version the image runs; the operator model 1.10 (the newest served here) predates Flink 2. */
    static final String FLINK_VERSION = "v2_2";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .annotationIntrospector(new StrictIntrospector())
            .build();
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "FlinkDeployment", FlinkDeployment.class,
            "FlinkSessionJob", FlinkSessionJob.class,
            "ConfigMap", ConfigMap.class,
            "Secret", Secret.class);

    private Manifests() {}

    /** Jackson's annotations as they are, except that none may ignore unknown properties. */
    private static final class StrictIntrospector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated a) {
            JsonIgnoreProperties.Value value = super.findPropertyIgnoralByName(config, a);
            return value == null ? null : value.withoutIgnoreUnknown();
        }
    }

    /** Every document of a YAML file, bound to the class of its {@code kind}. */
    static List<HasMetadata> read(Path file) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (JsonNode doc : YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class).readAll()) {
            resources.add(bind(doc));
        }
        return resources;
    }

    static HasMetadata read(String yaml) throws IOException {
        return bind(YAML.readTree(yaml));
    }

    private static HasMetadata bind(JsonNode doc) throws IOException {
        String kind = doc.path("kind").asText();
        Class<? extends HasMetadata> type = KINDS.get(kind);
        if (type == null) {
            throw new IllegalArgumentException("unexpected kind '" + kind + "'");
        }
        JsonNode spec = doc.path("spec");
        if (spec.has("flinkVersion")) {
            if (!FLINK_VERSION.equals(spec.path("flinkVersion").asText())) {
                throw new IllegalArgumentException("spec.flinkVersion must be " + FLINK_VERSION + " (the image's)");
            }
            ((ObjectNode) spec).remove("flinkVersion"); // not in the 1.10 model's enum; checked above instead
        }
        HasMetadata resource = YAML.treeToValue(doc, type);
        List<String> unknown = new ArrayList<>();
        unknownFields(resource, kind, unknown, 0);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown fields: " + unknown);
        }
        return resource;
    }

    /** Collects every non-empty {@code additionalProperties} of fabric8 and operator model objects, by path. */
    static void unknownFields(Object o, String path, List<String> found, int depth) {
        if (o == null || depth > 40) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, found, depth + 1));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model") && !pkg.startsWith("org.apache.flink.kubernetes")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")
                    || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // a derived getter that needs more than the manifest gives
            }
            String name = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            if (name.equals("additionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else {
                unknownFields(value, path + "." + name, found, depth + 1);
            }
        }
    }
}
