package dev.flinkesm.local.lambda;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;

/**
 * The function and qualifier an Invoke request names.
 *
 * @param name the function name
 * @param qualifier the version or alias, null when unqualified
 */
record InvokeRoute(String name, String qualifier) {

    private static final String PATH_PREFIX = "/2015-03-31/functions/";
    private static final String PATH_SUFFIX = "/invocations";

    /** The ARN as the caller invoked it: the function's ARN plus {@code :qualifier} when there is one. */
    String invokedArn() {
        return FunctionHost.functionArn(name) + (qualifier == null ? "" : ":" + qualifier);
    }

    /**
     * Resolves {@code POST /2015-03-31/functions/{name}/invocations}, or null for any other request; {name} may be a
     * (percent-encoded) full ARN {@code arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]}, a partial ARN
     * {@code ACCOUNT:function:NAME[:QUALIFIER]} or {@code NAME[:QUALIFIER]}; {@code ?Qualifier=} wins.
     */
    static InvokeRoute of(HttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return null;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String rawPath = query < 0 ? uri : uri.substring(0, query);
        if (!rawPath.startsWith(PATH_PREFIX) || !rawPath.endsWith(PATH_SUFFIX)
                || rawPath.length() <= PATH_PREFIX.length() + PATH_SUFFIX.length()) {
            return null;
        }
        String rawName = rawPath.substring(PATH_PREFIX.length(), rawPath.length() - PATH_SUFFIX.length());
        if (rawName.contains("/")) {
            return null;
        }
        String[] parts = QueryStringDecoder.decodeComponent(rawName).split(":", -1);
        String name;
        String qualifier;
        if (parts.length >= 7 && parts[0].equals("arn") && parts[5].equals("function")) {
            name = parts[6];
            qualifier = parts.length > 7 ? parts[7] : null;
        } else if (parts.length >= 3 && parts[1].equals("function")) {
            name = parts[2];
            qualifier = parts.length > 3 ? parts[3] : null;
        } else {
            name = parts[0];
            qualifier = parts.length > 1 ? parts[1] : null;
        }
        List<String> qualifierParam = new QueryStringDecoder(uri).parameters().get("Qualifier");
        if (qualifierParam != null && !qualifierParam.isEmpty() && !qualifierParam.get(0).isEmpty()) {
            qualifier = qualifierParam.get(0);
        }
        return new InvokeRoute(name, qualifier == null || qualifier.isEmpty() ? null : qualifier);
    }

    /**
     * The function name of {@code GET /2015-03-31/functions/{name}/configuration}, or null for another path.
     */
    static String configurationTarget(String path) {
        String suffix = "/configuration";
        if (!path.startsWith(PATH_PREFIX) || !path.endsWith(suffix)) {
            return null;
        }
        String name = path.substring(PATH_PREFIX.length(), path.length() - suffix.length());
        if (name.contains(":")) {
            String[] parts = name.split(":");
            name = parts.length >= 7 ? parts[6] : parts.length >= 3 && parts[1].equals("function") ? parts[2] : parts[0];
        }
        return name;
    }
}
