/**
 * The battery's soak: many clients at once through each local runner, for a bounded time, with a mix of
 * credentials, limits and failing backends ({@link dev.tollgate.battery.soak.LocalRunnerSoakTest}). The build
 * runs it short; {@code -P battery-long} runs it longer (docs/reliability.md, "Load (soak)").
 */
package dev.tollgate.battery.soak;
