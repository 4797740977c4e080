package dev.flinkesm.aws;

/** Which of the SDK's asynchronous HTTP clients carries the job's AWS calls (invocations, destinations). */
public enum HttpClientKind {
    /** {@code AwsCrtAsyncHttpClient} (native, the default: measured cheapest per invocation, docs/performance.md). */
    CRT,
    /** {@code NettyNioAsyncHttpClient} (pure Java). */
    NETTY
}
