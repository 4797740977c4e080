package dev.flinkesm.local.lambda.runtime;

import java.util.Locale;

/** The Lambda runtimes the host can run, with the identifiers Lambda uses for them. */
public enum LambdaRuntime {
    NODEJS("nodejs22.x"),
    JAVA("java17"),
    PYTHON("python3.12");

    private final String identifier;

    LambdaRuntime(String identifier) {
        this.identifier = identifier;
    }

    /** What Lambda reports as {@code Runtime}, e.g. {@code nodejs22.x}. */
    public String identifier() {
        return identifier;
    }

    /** {@code AWS_EXECUTION_ENV}, as Lambda sets it for the runtime. */
    public String executionEnv() {
        return "AWS_Lambda_" + identifier;
    }

    /** {@code nodejs}, {@code java} or {@code python}. */
    public static LambdaRuntime of(String name) {
        for (LambdaRuntime runtime : values()) {
            if (runtime.name().toLowerCase(Locale.ROOT).equals(name)) {
                return runtime;
            }
        }
        throw new IllegalArgumentException("runtime must be nodejs, java or python, got: " + name);
    }
}
