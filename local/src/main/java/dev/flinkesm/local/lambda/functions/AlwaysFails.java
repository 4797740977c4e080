package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import java.io.InputStream;
import java.io.OutputStream;

/** Fails every invocation with an unhandled exception, without reading the event. */
public final class AlwaysFails implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) {
        throw new IllegalStateException("AlwaysFails: this function fails every invocation");
    }
}
