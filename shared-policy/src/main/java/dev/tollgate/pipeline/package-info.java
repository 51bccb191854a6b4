/**
 * The policy pipeline: each {@link dev.tollgate.pipeline.Policy} sees an
 * {@link dev.tollgate.pipeline.Exchange} and hands it on; the matched route's handler answers last.
 */
package dev.tollgate.pipeline;
