package dev.flinkesm.job;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.config.MappingValidationException;
import dev.flinkesm.filter.FilterQuota;
import dev.flinkesm.pipeline.JobOptions;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The job's command line parsed exactly as {@link EsmJob} parses it, without running anything: deployment checks
 * (Kubernetes manifests, Managed Service for Apache Flink properties) use it to prove their arguments are ones the
 * job accepts.
 */
public final class JobArguments {
    private final Path mappingFile;
    private final String mappingJson;
    private final JobOptions options;
    private final FilterQuota filterQuota;

    private JobArguments(Path mappingFile, String mappingJson, JobOptions options, FilterQuota filterQuota) {
        this.mappingFile = mappingFile;
        this.mappingJson = mappingJson;
        this.options = options;
        this.filterQuota = filterQuota;
    }

    /**
     * @throws CommandLine.ParameterException for an argument the job does not take
     * @throws IllegalArgumentException for an option value the job refuses (e.g. an unknown {@code --endpoint})
     */
    public static JobArguments parse(String... args) {
        EsmJob job = new EsmJob();
        new CommandLine(job).parseArgs(args);
        return new JobArguments(job.mapping.file, job.mapping.json, job.options(), job.filterQuota);
    }

    /** {@code --mapping FILE}, if given (on Kubernetes: a file of a mounted ConfigMap). */
    public Optional<Path> mappingFile() {
        return Optional.ofNullable(mappingFile);
    }

    /** {@code --mapping-json JSON}, if given. */
    public Optional<String> mappingJson() {
        return Optional.ofNullable(mappingJson);
    }

    public JobOptions options() {
        return options;
    }

    /** {@code --max-filters}: how many filters the mapping may have. */
    public FilterQuota filterQuota() {
        return filterQuota;
    }

    /**
     * The mapping, parsed and validated as the job does.
     *
     * @throws MappingValidationException listing every violation
     */
    public EventSourceMapping mapping() {
        return mappingFile != null
                ? MappingParser.parse(mappingFile, filterQuota) : MappingParser.parse(mappingJson, filterQuota);
    }
}
