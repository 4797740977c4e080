package dev.flinkesm.local.lambda.runtime.fn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A handler run by the Java runtime interface client in a test: {@code {"do":"echo"}} answers with what the
 * environment and context say, {@code fail} throws, {@code sleep} sleeps {@code ms}, {@code exit} ends the process.
 */
public final class Behave implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        String action = String.valueOf(input.get("do"));
        switch (action) {
            case "fail" -> throw new IllegalStateException("asked to fail");
            case "exit" -> {
                System.out.println("exiting as asked");
                System.exit(3);
            }
            case "sleep" -> {
                try {
                    Thread.sleep(((Number) input.get("ms")).longValue());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            default -> System.out.println("echo for request " + context.getAwsRequestId());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pid", ProcessHandle.current().pid());
        out.put("functionName", context.getFunctionName());
        out.put("invokedArn", context.getInvokedFunctionArn());
        out.put("memory", context.getMemoryLimitInMB());
        out.put("remainingMs", context.getRemainingTimeInMillis());
        out.put("logGroup", context.getLogGroupName());
        out.put("region", System.getenv("AWS_REGION"));
        out.put("handlerEnv", System.getenv("_HANDLER"));
        out.put("own", System.getenv("GREETING"));
        out.put("input", input);
        return out;
    }
}
