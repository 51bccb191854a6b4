package dev.tollgate.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A behaviour every adapter must show: a request, a short sequence of them, or a concurrent burst, and
 * what is expected of the answers. A scenario is skipped on an adapter only for a platform reason,
 * which the table prints.
 */
record Scenario(String name, Exchange exchange, Map<String, String> skips) {

    /** What a scenario does against one adapter; it fails with an {@link AssertionError}. */
    @FunctionalInterface
    interface Exchange {
        void run(Adapter adapter) throws Exception;
    }

    /** A request and the facts its answer must show. */
    record Step(Call call, List<Expect> expected) {
        Answer run(Adapter adapter) throws Exception {
            Answer answer = adapter.send(call);
            expected.forEach(expect -> expect.check(answer));
            return answer;
        }
    }

    static Step step(Call call, Expect... expected) {
        return new Step(call, List.of(expected));
    }

    static Scenario of(String name, Call call, Expect... expected) {
        return sequence(name, step(call, expected));
    }

    static Scenario sequence(String name, Step... steps) {
        return new Scenario(name, adapter -> {
            for (Step step : steps) {
                step.run(adapter);
            }
        }, Map.of());
    }

    /** {@code count} copies of {@code call} at once, from as many threads; {@code check} gets all the answers. */
    static Scenario burst(String name, int count, Call call, Consumer<List<Answer>> check) {
        return new Scenario(name, adapter -> {
            ExecutorService callers = Executors.newFixedThreadPool(count);
            try {
                List<Callable<Answer>> calls = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    calls.add(() -> adapter.send(call));
                }
                List<Answer> answers = new ArrayList<>();
                for (Future<Answer> answer : callers.invokeAll(calls)) {
                    answers.add(answer.get());
                }
                check.accept(answers);
            } finally {
                callers.shutdownNow();
            }
        }, Map.of());
    }

    /**
     * Sends {@code call} again, a tenth of a second apart, until an answer shows {@code until}, each answer
     * before showing {@code meanwhile}: for a window that ends on the real clock (every adapter runs on it),
     * so for at most {@code within}, a second or two.
     */
    static Answer awaitAnswer(Adapter adapter, Call call, Predicate<Answer> until, Expect meanwhile, Duration within)
            throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            Answer answer = adapter.send(call);
            if (until.test(answer)) {
                return answer;
            }
            meanwhile.check(answer);
            assertThat(System.nanoTime()).as("still %s after %s", answer, within).isLessThan(end);
            Thread.sleep(100);
        }
    }

    /** The same, not run on {@code adapter}, for a reason the platform gives. */
    Scenario skipOn(String adapter, String reason) {
        Map<String, String> more = new LinkedHashMap<>(skips);
        more.put(adapter, reason);
        return new Scenario(name, exchange, Map.copyOf(more));
    }

    static long count(List<Answer> answers, int status) {
        return answers.stream().filter(answer -> answer.status() == status).count();
    }

    static void assertStatuses(List<Answer> answers, int status, long expected) {
        assertThat(count(answers, status)).as("answers with %s in %s", status, answers).isEqualTo(expected);
    }
}
