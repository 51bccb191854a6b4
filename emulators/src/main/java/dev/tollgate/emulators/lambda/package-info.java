/**
 * The Lambda Runtime API a Lambda execution environment offers its runtime, on 127.0.0.1, so that
 * the real Lambda Java runtime (the runtime interface client) can run a function's artifact here
 * as it runs on Lambda: it polls for the next event, posts the answer or the error.
 */
package dev.tollgate.emulators.lambda;
