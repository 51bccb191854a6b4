/** Authentication: who is calling. Each credential kind has its own package ({@code apikey}). */
package dev.tollgate.policy.auth;
