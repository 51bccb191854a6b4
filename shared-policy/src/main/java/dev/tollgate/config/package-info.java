/**
 * The configuration file and its validated model. {@link dev.tollgate.config.ConfigLoader} reads
 * one YAML file for every stage into a {@link dev.tollgate.config.GatewayConfig}, or fails at start-up
 * naming every problem: {@code tollgate.yaml:14: routes[1].timeout: 90s (expected: ...)}, checked
 * against the {@link dev.tollgate.config.PlatformLimits} its adapter hands in.
 * {@link dev.tollgate.config.ConfigReader} reads typed values for it, for each policy's reader and for the
 * deployment's stages file; {@link dev.tollgate.config.Durations} is the one duration syntax.
 * {@link dev.tollgate.config.Deployable} holds a file to deploy to more: no key in plain text, no
 * loopback address.
 */
package dev.tollgate.config;
