package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Option values as the AWS CLI reads them: inline, or from a file, with the AWS CLI's messages when they are bad. */
final class ParamValues {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParamValues() {}

    /** {@code file://path} or {@code fileb://path} reads a file, as the AWS CLI does; anything else is the value. */
    static String value(String arg) {
        try {
            if (arg.startsWith("file://")) {
                return Files.readString(Path.of(arg.substring("file://".length())));
            }
            if (arg.startsWith("fileb://")) {
                return Files.readString(Path.of(arg.substring("fileb://".length())));
            }
        } catch (IOException e) {
            throw new EsmError("ParamValidation", "Error parsing parameter: Unable to load paramfile " + arg
                    + ": " + e.getMessage(), EsmError.PARAMETERS);
        }
        return arg;
    }

    /** The value of {@code --option} as JSON; {@code option} names it in the message (without the dashes). */
    static JsonNode json(String option, String arg) {
        try {
            return JSON.readTree(value(arg));
        } catch (IOException e) {
            throw new EsmError("ParamValidation", "Error parsing parameter '" + option + "': Invalid JSON: "
                    + e.getMessage(), EsmError.PARAMETERS);
        }
    }
}
