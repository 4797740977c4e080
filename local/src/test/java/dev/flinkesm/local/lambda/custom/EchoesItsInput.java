package dev.flinkesm.local.lambda.custom;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** Returns its input; with {@link TaggingSerializer} both ways, the caller sees {@code out(in(...))}. */
public final class EchoesItsInput implements RequestHandler<String, String> {

    @Override
    public String handleRequest(String input, Context context) {
        int remaining = context.getRemainingTimeInMillis();
        return input + " remaining=" + (remaining > 0 && remaining <= 7000);
    }
}
