/**
 * The Azure Functions Java library's request, response and context, implemented as the host and the
 * Java worker fill them, so that {@code ./tollgate local --platform azure} runs the real
 * {@code dev.tollgate.azure.TollgateFunction} (the host itself cannot be installed here).
 */
package dev.tollgate.local.azure;
