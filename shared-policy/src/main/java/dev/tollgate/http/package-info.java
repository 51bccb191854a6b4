/**
 * The gateway's own request and response model, the one every adapter translates to and from.
 * Header names that Tollgate reads or writes are constants in {@link dev.tollgate.http.HeaderNames}.
 * {@link dev.tollgate.http.BoundedSend} is every outgoing call's: one deadline for the whole answer, a body cap.
 */
package dev.tollgate.http;
