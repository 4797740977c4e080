package dev.flinkesm.invoke;

/** How invocations reach Lambda ({@code --invoker}); both never retry and give the same results. */
public enum InvokerKind {
    /** {@code LambdaAsyncClient.invoke} on the {@code --http-client} (the default). */
    SDK,
    /**
     * {@link SignedHttpInvoker}: the SDK's signer, credentials, region and endpoint, the JDK's HTTP client, without
     * the SDK's request pipeline; measured cheaper per invocation (docs/performance.md).
     */
    SIGNED_HTTP
}
