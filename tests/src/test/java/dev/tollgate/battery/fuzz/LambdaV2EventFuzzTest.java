package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.aws.HttpApiHandler;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP API (payload 2.0) handler: any event bytes come back as a response event with a status, a
 * request id and no 5xx of the gateway's ({@link LambdaEvents#check}). Inputs start from AWS's published
 * v2 sample events (functions-aws/src/test/resources/aws-sample-events).
 */
class LambdaV2EventFuzzTest {

    private static final FuzzedGateway GATEWAY = new FuzzedGateway();
    private static final HttpApiHandler HANDLER = new HttpApiHandler(GATEWAY.gateway, Optional.of("dev"));

    @AfterAll
    static void stop() {
        GATEWAY.close();
    }

    static Stream<byte[]> samples() {
        return LambdaEvents.samples("v2--");
    }

    @MethodSource("samples")
    @FuzzTest
    void anyEventGetsAValidResponseEvent(byte[] event) {
        FuzzedGateway.expectLoopbackConnections();
        LambdaEvents.check(HANDLER, event, true);
    }
}
