package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackgroundInitTest {

    @Test
    void join_returnsWhatTheWorkMade_onADaemonThreadOfItsName() {
        BackgroundInit<String> work = BackgroundInit.start("init-test",
                () -> Thread.currentThread().getName() + " " + Thread.currentThread().isDaemon());

        assertThat(work.join()).isEqualTo("init-test true");
    }

    @Test
    void join_throwsTheWorksFailure_unwrapped() {
        IllegalStateException failure = new IllegalStateException("TOLLGATE_DYNAMODB_ENDPOINT: bad (expected: a URL)");
        BackgroundInit<String> work = BackgroundInit.start("init-test", () -> {
            throw failure;
        });

        assertThatThrownBy(work::join).isSameAs(failure);
    }
}
