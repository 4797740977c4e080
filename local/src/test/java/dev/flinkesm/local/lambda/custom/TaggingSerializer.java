package dev.flinkesm.local.lambda.custom;

import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;

/** A serializer that marks what passed through it, so a test sees it was used for input and output. */
public final class TaggingSerializer implements CustomPojoSerializer {

    @Override
    @SuppressWarnings("unchecked")
    public <T> T fromJson(InputStream input, Type type) {
        try {
            return (T) fromJson(new String(input.readAllBytes(), StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T fromJson(String input, Type type) {
        return (T) ("in(" + input + ")");
    }

    @Override
    public <T> void toJson(T value, OutputStream output, Type type) {
        try {
            output.write(("\"out(" + value + ")\"").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
