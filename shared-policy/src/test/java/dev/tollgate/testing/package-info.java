/** Test fixtures shared by every module's tests: in-memory stores, a movable clock, a real HTTP backend. */
package dev.tollgate.testing;
