/**
 * End-to-end tests: the local runner started in-process on free ports, called over real HTTP,
 * and checks of the artifact that is deployed.
 */
package dev.tollgate.e2e;
