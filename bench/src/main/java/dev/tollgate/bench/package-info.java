/**
 * JMH benchmarks of the warm path, in-process: the policy work of a request (API key and quota, JWT
 * with and without the verification cache) and the forwarder against a loopback backend. Run by
 * {@code bench/warm-path}; the build compiles them and runs none.
 */
package dev.tollgate.bench;
