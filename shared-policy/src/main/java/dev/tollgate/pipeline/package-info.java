/**
 * The policy pipeline: each {@link dev.tollgate.pipeline.Policy} sees an
 * {@link dev.tollgate.pipeline.Exchange} and hands it on; the last policy, the matched route's handler, answers.
 */
package dev.tollgate.pipeline;
