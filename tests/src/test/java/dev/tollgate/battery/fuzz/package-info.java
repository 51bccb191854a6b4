/**
 * The battery's fuzz tests (Jazzer {@code @FuzzTest}): each feeds generated input to one entrance of the
 * gateway and checks an invariant, not only the absence of exceptions ({@link dev.tollgate.battery.fuzz.Answers}).
 * The default build replays each test's inputs ({@code <Test>Inputs/<method>/} beside it in the test resources)
 * and then fuzzes each test for a few seconds; {@code -P battery-long} fuzzes longer (docs/reliability.md).
 */
package dev.tollgate.battery.fuzz;
