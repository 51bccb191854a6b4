package dev.tollgate.policy.correlation;

import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The trace context a request's backend call carries, so that every backend call can be traced:
 * <ul>
 *   <li>{@code traceparent} (W3C Trace Context): the caller's when it is valid, passed on unchanged
 *       with its {@code tracestate}; otherwise a new one, whose trace id is the X-Ray trace id when
 *       there is one (X-Ray's {@code Root=1-XXXXXXXX-YYYY...} is the same 128 bits) and is random
 *       when there is none, with the sampled flag X-Ray decided ({@code Sampled=1}), else not set.
 *       A caller's {@code tracestate} without a valid {@code traceparent} is dropped, as the
 *       specification asks.</li>
 *   <li>{@code X-Amzn-Trace-Id}: as the request carries it (the adapter puts the Lambda runtime's
 *       there first), when it is sane; never made up.</li>
 * </ul>
 *
 * @param traceparent the {@code traceparent} for the backend
 * @param tracestate  the caller's {@code tracestate}, kept only with the caller's {@code traceparent}
 * @param amazonTrace the {@code X-Amzn-Trace-Id} for the backend
 */
public record TraceContext(String traceparent, Optional<String> tracestate, Optional<String> amazonTrace) {

    /** Version 00: {@code 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>}; later versions may append fields. */
    private static final Pattern TRACEPARENT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern XRAY_ROOT = Pattern.compile("(?:^|;)\\s*Root=1-([0-9a-fA-F]{8})-([0-9a-fA-F]{24})(?:;|$)");
    private static final Pattern XRAY_SAMPLED = Pattern.compile("(?:^|;)\\s*Sampled=1(?:;|$)");
    /** Visible ASCII and spaces, bounded: nothing that could break a header or a log line. */
    private static final Pattern SANE = Pattern.compile("[\\x20-\\x7e]{1,512}");
    private static final String ZERO_TRACE_ID = "0".repeat(32);
    private static final String ZERO_PARENT_ID = "0".repeat(16);
    private static final HexFormat HEX = HexFormat.of();
    /**
     * Ids must differ between execution environments restored from one SnapStart snapshot:
     * {@code ThreadLocalRandom}'s seeds would be the snapshot's, while the platform's SecureRandom
     * (NativePRNG) mixes fresh bytes of {@code /dev/urandom} into every draw.
     */
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The trace context for a request with these headers. */
    public static TraceContext of(Headers headers) {
        Optional<String> amazon = headers.first(HeaderNames.X_AMZN_TRACE_ID).map(String::strip)
                .filter(value -> SANE.matcher(value).matches());
        Optional<String> callers = headers.first(HeaderNames.TRACEPARENT).map(String::strip).filter(TraceContext::valid);
        if (callers.isPresent()) {
            return new TraceContext(callers.get(), joined(headers.all(HeaderNames.TRACESTATE)), amazon);
        }
        String traceId = amazon.flatMap(TraceContext::xrayTraceId).orElseGet(TraceContext::randomTraceId);
        String flags = amazon.filter(value -> XRAY_SAMPLED.matcher(value).find()).isPresent() ? "01" : "00";
        return new TraceContext("00-" + traceId + "-" + randomParentId() + "-" + flags, Optional.empty(), amazon);
    }

    /** The W3C trace id, 32 lower-case hex digits. */
    public String traceId() {
        return traceparent.substring(3, 35);
    }

    static boolean valid(String traceparent) {
        Matcher matcher = TRACEPARENT.matcher(traceparent);
        if (!matcher.matches() || matcher.group(1).equals("ff")
                || matcher.group(2).equals(ZERO_TRACE_ID) || matcher.group(3).equals(ZERO_PARENT_ID)) {
            return false;
        }
        // Version 00 has exactly four fields; a later version may have more, after a dash.
        return !matcher.group(1).equals("00") || matcher.group(5) == null;
    }

    /** X-Ray's {@code Root=1-5759e988-bd862e3fe1be46a994272793} is W3C trace id {@code 5759e988bd862e3fe1be46a994272793}. */
    static Optional<String> xrayTraceId(String amazonTrace) {
        Matcher root = XRAY_ROOT.matcher(amazonTrace);
        if (!root.find()) {
            return Optional.empty();
        }
        String traceId = (root.group(1) + root.group(2)).toLowerCase(Locale.ROOT);
        return traceId.equals(ZERO_TRACE_ID) ? Optional.empty() : Optional.of(traceId);
    }

    /** The list members of every line, in order, without the empty ones the specification lets a sender leave. */
    private static Optional<String> joined(List<String> values) {
        List<String> members = new ArrayList<>();
        for (String value : values) {
            for (String member : value.split(",")) {
                if (!member.isBlank()) {
                    members.add(member.strip());
                }
            }
        }
        String joined = String.join(",", members);
        return SANE.matcher(joined).matches() ? Optional.of(joined) : Optional.empty();
    }

    private static String randomTraceId() {
        long high;
        long low;
        do {
            high = RANDOM.nextLong();
            low = RANDOM.nextLong();
        } while (high == 0 && low == 0);
        return HEX.toHexDigits(high) + HEX.toHexDigits(low);
    }

    private static String randomParentId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return HEX.toHexDigits(id);
    }
}
