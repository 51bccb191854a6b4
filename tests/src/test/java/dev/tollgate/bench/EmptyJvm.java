package dev.tollgate.bench;

import java.lang.management.ManagementFactory;

/**
 * The baseline of {@code bench/cold-start}: a JVM that loads nothing of its own and prints the
 * milliseconds from its start, read the way every other probe reads them (so the clock's own cost,
 * the management classes, is in this figure too).
 */
public final class EmptyJvm {

    private EmptyJvm() {
    }

    public static void main(String[] args) {
        System.out.println(System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
    }
}
