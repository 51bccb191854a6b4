/**
 * The Lambda Java runtime's part, played in a fresh JVM over the packaged artifact
 * ({@link dev.tollgate.lambda.RuntimeInvoker}): what {@code LambdaRuntimeEventsTest} and
 * {@code bench/event-cold-start} run the handlers with.
 */
package dev.tollgate.lambda;
