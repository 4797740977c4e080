package dev.flinkesm.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls a user handler the way the Lambda Java runtime does: a {@link CustomPojoSerializer} found through
 * {@link ServiceLoader} in the handler's class loader, if there is one, for input and output; else event classes
 * (e.g. {@code KafkaEvent}) through {@link LambdaEventSerializers} and everything else through the runtime's own
 * Jackson ({@link JacksonFactory}); {@link RequestStreamHandler}s get the raw bytes.
 */
abstract class HandlerAdapter {

    private static final byte[] NULL_JSON = "null".getBytes(StandardCharsets.UTF_8);
    private static final Map<Type, PojoSerializer<Object>> SERIALIZERS = new ConcurrentHashMap<>();

    abstract byte[] invoke(byte[] input, Context context) throws Exception;

    static HandlerAdapter of(Object handler) {
        if (handler instanceof RequestStreamHandler streamHandler) {
            return new HandlerAdapter() {
                @Override
                byte[] invoke(byte[] input, Context context) throws Exception {
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    streamHandler.handleRequest(new ByteArrayInputStream(input), output, context);
                    return output.toByteArray();
                }
            };
        }
        if (handler instanceof RequestHandler<?, ?> requestHandler) {
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> typed = (RequestHandler<Object, Object>) requestHandler;
            Type inputType = inputTypeOf(handler.getClass());
            ClassLoader classLoader = handler.getClass().getClassLoader();
            CustomPojoSerializer custom = ServiceLoader.load(CustomPojoSerializer.class, classLoader)
                    .findFirst().orElse(null);
            if (custom != null) {
                return new HandlerAdapter() {
                    @Override
                    byte[] invoke(byte[] input, Context context) throws Exception {
                        Object event = custom.fromJson(new ByteArrayInputStream(input), inputType);
                        Object result = typed.handleRequest(event, context);
                        ByteArrayOutputStream output = new ByteArrayOutputStream();
                        custom.toJson(result, output, result == null ? Object.class : result.getClass());
                        return output.toByteArray();
                    }
                };
            }
            PojoSerializer<Object> inputSerializer = serializerFor(inputType, classLoader);
            return new HandlerAdapter() {
                @Override
                byte[] invoke(byte[] input, Context context) throws Exception {
                    Object event = inputSerializer.fromJson(new ByteArrayInputStream(input));
                    Object result = typed.handleRequest(event, context);
                    if (result == null) {
                        return NULL_JSON;
                    }
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    serializerFor(result.getClass(), classLoader).toJson(result, output);
                    return output.toByteArray();
                }
            };
        }
        throw new IllegalArgumentException("A handler must implement RequestHandler or RequestStreamHandler, got "
                + (handler == null ? "null" : handler.getClass().getName()));
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializerFor(Type type, ClassLoader classLoader) {
        return SERIALIZERS.computeIfAbsent(type, t -> {
            if (t instanceof Class<?> cls && LambdaEventSerializers.isLambdaSupportedEvent(cls.getName())) {
                return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(cls, classLoader);
            }
            return JacksonFactory.getInstance().getSerializer(t);
        });
    }

    /** The {@code I} of {@code RequestHandler<I, O>}, searched up the class hierarchy; Object when erased. */
    static Type inputTypeOf(Class<?> handlerClass) {
        for (Class<?> cls = handlerClass; cls != null && cls != Object.class; cls = cls.getSuperclass()) {
            for (Type candidate : cls.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class) {
                    Type input = parameterized.getActualTypeArguments()[0];
                    return input instanceof Class<?> || input instanceof ParameterizedType ? input : Object.class;
                }
            }
        }
        return Object.class;
    }
}
