/**
 * The conformance suite: every scenario ({@link dev.tollgate.conformance.Scenarios}) runs unchanged
 * against every adapter (the Lambda handler fed payload-2.0 and payload-1.0 events, the Azure function
 * fed the Functions host's requests, both local runners over real HTTP), all built from one
 * configuration ({@code src/test/resources/conformance/tollgate.yaml}); the table it prints is
 * {@code docs/conformance.md} ({@code ./tollgate conformance}). A new behaviour is specified here first:
 * <pre>
 * Scenario.of("size: a body past maxBodySize is 413", Call.of("POST", "/dev/small").body(seventeenBytes), problem(413))
 * </pre>
 */
package dev.tollgate.conformance;
