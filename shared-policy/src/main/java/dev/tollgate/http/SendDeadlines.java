package dev.tollgate.http;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts a thread blocked in a send when its deadline passes: the JDK client's blocking {@code send}
 * gives the exchange up when the waiting thread is interrupted. One daemon thread serves every send. It
 * sleeps until the earliest deadline it knows of and is woken only for an earlier one, so that a send whose
 * deadline comes after that (the usual case: one timeout per route) costs it nothing, and no thread is
 * woken per request.
 */
final class SendDeadlines {

    static final SendDeadlines INSTANCE = new SendDeadlines();

    private final Set<Watch> watched = ConcurrentHashMap.newKeySet();
    /** The {@link System#nanoTime} the watchdog wakes at to look again; meaningless while {@link #idle}. */
    private volatile long wakeAt;
    /** Whether the watchdog waits for no deadline, until a send is watched. */
    private volatile boolean idle = true;
    /** Set by each new watch, so that one added while the watchdog looks is seen before it sleeps. */
    private volatile boolean added;
    private Thread watchdog;

    private SendDeadlines() {
    }

    /** Watches the calling thread until {@link Watch#end()}: interrupted at {@code deadline} ({@link System#nanoTime}). */
    Watch watch(long deadline) {
        Watch watch = new Watch(Thread.currentThread(), deadline);
        watched.add(watch);
        added = true;
        Thread thread = watchdog();
        if (idle || deadline - wakeAt < 0) {
            LockSupport.unpark(thread);
        }
        return watch;
    }

    private synchronized Thread watchdog() {
        if (watchdog == null) {
            watchdog = new Thread(this::run, "tollgate-send-deadlines");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        return watchdog;
    }

    private void run() {
        while (true) {
            added = false;
            long now = System.nanoTime();
            long next = 0;
            boolean any = false;
            for (Watch watch : watched) {
                if (now - watch.deadline >= 0) {
                    watched.remove(watch);
                    watch.expire();
                } else if (!any || watch.deadline - next < 0) {
                    next = watch.deadline;
                    any = true;
                }
            }
            wakeAt = next;
            idle = !any;
            if (added) {
                continue;
            }
            if (any) {
                LockSupport.parkNanos(this, next - now);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** One blocked send. */
    final class Watch {
        private final Thread sender;
        private final long deadline;
        private boolean ended;
        private boolean expired;

        private Watch(Thread sender, long deadline) {
            this.sender = sender;
            this.deadline = deadline;
        }

        private synchronized void expire() {
            if (!ended) {
                expired = true;
                sender.interrupt();
            }
        }

        /**
         * Stops watching; called by the sender once its send returned or threw.
         *
         * @return whether the deadline passed first, its interrupt then cleared from the sender
         */
        synchronized boolean end() {
            ended = true;
            watched.remove(this);
            if (expired) {
                Thread.interrupted();
            }
            return expired;
        }
    }
}
