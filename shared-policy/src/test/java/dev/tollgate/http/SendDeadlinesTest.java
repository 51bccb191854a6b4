package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SendDeadlinesTest {

    private static final long AN_HOUR = TimeUnit.HOURS.toNanos(1);

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aWatchedThread_isInterruptedAtItsDeadline_andItsEndSaysSo() {
        SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime());

        // Blocks until interrupted; the bound only keeps a broken watchdog from hanging the build.
        assertThatThrownBy(() -> new CountDownLatch(1).await(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(watch.end()).isTrue();
    }

    @Test
    void anInterruptThatLandsAfterTheSendReturned_isCleared_byItsEnd() {
        SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime());
        long bound = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() - bound < 0) {
            Thread.onSpinWait();
        }

        assertThat(watch.end()).isTrue();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void aWatchEndedBeforeItsDeadline_saysSo_andLeavesTheThreadAlone() {
        SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime() + AN_HOUR);

        assertThat(watch.end()).isFalse();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void anEarlierDeadline_wakesTheWatchdog_sleepingUntilALaterOne() throws Exception {
        CountDownLatch watching = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread later = new Thread(() -> {
            SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime() + AN_HOUR);
            watching.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted an hour early", e);
            } finally {
                watch.end();
            }
        });
        later.start();
        watching.await();
        try {
            SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime());

            assertThatThrownBy(() -> new CountDownLatch(1).await(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
            assertThat(watch.end()).isTrue();
        } finally {
            done.countDown();
            later.join();
        }
    }
}
