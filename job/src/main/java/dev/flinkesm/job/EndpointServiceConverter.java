package dev.flinkesm.job;

import dev.flinkesm.aws.AwsService;
import java.net.URI;
import picocli.CommandLine;

/**
 * Checks the service name of {@code --endpoint SERVICE=URL} while the command line is parsed, so a wrong name is a
 * usage error naming the known services, not a failure of the job.
 */
final class EndpointServiceConverter implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String name) {
        try {
            return AwsService.named(name).optionName();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The URL, which must be absolute (the SDK's endpoint override needs a scheme and a host). */
    static final class Url implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String url) {
            URI uri;
            try {
                uri = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !uri.isAbsolute() || uri.getHost() == null) {
                throw new CommandLine.TypeConversionException(
                        "'" + url + "' is not an absolute URL such as http://localhost:9324");
            }
            return url.trim();
        }
    }
}
