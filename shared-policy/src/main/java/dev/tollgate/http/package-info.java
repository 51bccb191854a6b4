/**
 * The gateway's own request and response model, the one every adapter translates to and from.
 * Header names that Tollgate reads or writes are constants in {@link dev.tollgate.http.HeaderNames}.
 */
package dev.tollgate.http;
