package dev.tollgate.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Invokes a Lambda handler as the Lambda Java runtime does, in a JVM of its own whose classpath is the
 * function's artifact (plus the runtime's serialization library and this class): the handler class
 * made with its no-argument constructor, so from the process environment; a {@link RequestStreamHandler}
 * given the event's bytes; a typed {@link RequestHandler} given the event as the runtime's serializer
 * reads it ({@link LambdaEventSerializers} for the event classes on its list, its Jackson otherwise),
 * its answer written back the same way.
 *
 * <p>Arguments: {@code HANDLER_CLASS OUT_DIR EVENT_FILE...}. For the i-th event (from 0) it writes
 * {@code OUT_DIR/i.json} (the response event) or {@code OUT_DIR/i.error} (the failure, as the runtime
 * would report it), and prints {@value #START} and {@value #END} lines around the invocation on standard
 * output, so that the function's own lines there (its request log) can be told apart. On standard error
 * it prints {@code init-ms N}, the milliseconds from JVM start to the handler made (Lambda's init
 * phase), and {@code first-answer-ms N}, to the first answer.
 */
public final class RuntimeInvoker {

    public static final String START = "runtime-invoker: start";
    public static final String END = "runtime-invoker: end";

    private RuntimeInvoker() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[1]);
        Object handler = null;
        for (int i = 2; i < args.length; i++) {
            byte[] event = Files.readAllBytes(Path.of(args[i]));
            System.out.println(START + " " + (i - 2));
            System.out.flush();
            try {
                if (handler == null) {
                    handler = Class.forName(args[0]).getConstructor().newInstance();
                    System.err.println("init-ms " + sinceStart());
                }
                Files.write(out.resolve((i - 2) + ".json"), invoke(handler, event));
            } catch (Throwable failure) {
                StringWriter trace = new StringWriter();
                failure.printStackTrace(new PrintWriter(trace));
                Files.writeString(out.resolve((i - 2) + ".error"), trace.toString());
            }
            System.out.flush();
            System.out.println(END + " " + (i - 2));
            if (i == 2) {
                System.err.println("first-answer-ms " + sinceStart());
            }
        }
        System.out.flush();
    }

    private static long sinceStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] invoke(Object handler, byte[] event) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        if (handler instanceof RequestStreamHandler stream) {
            stream.handleRequest(new ByteArrayInputStream(event), output, null);
            return output.toByteArray();
        }
        RequestHandler typed = (RequestHandler) handler;
        Type[] types = typeArguments(handler.getClass());
        PojoSerializer input = serializer((Class<?>) types[0], handler.getClass().getClassLoader());
        PojoSerializer result = serializer((Class<?>) types[1], handler.getClass().getClassLoader());
        Object answer = typed.handleRequest(input.fromJson(new ByteArrayInputStream(event)), null);
        result.toJson(answer, output);
        return output.toByteArray();
    }

    /** The serializer the runtime picks for a handler's input or output class. */
    private static PojoSerializer<?> serializer(Class<?> type, ClassLoader loader) {
        return LambdaEventSerializers.isLambdaSupportedEvent(type.getName())
                ? LambdaEventSerializers.serializerFor(type, loader)
                : JacksonFactory.getInstance().getSerializer(type);
    }

    private static Type[] typeArguments(Class<?> handler) {
        for (Type type : handler.getGenericInterfaces()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == RequestHandler.class) {
                return parameterized.getActualTypeArguments();
            }
        }
        throw new IllegalArgumentException(handler + " implements neither RequestHandler<I, O> nor RequestStreamHandler");
    }
}
