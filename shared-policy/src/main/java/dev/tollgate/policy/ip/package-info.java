/**
 * IP allow and deny lists in CIDR notation, per route or for the whole file:
 * {@code ipAccess: {allow: [10.0.0.0/8], deny: [10.9.0.0/16]}}.
 */
package dev.tollgate.policy.ip;
