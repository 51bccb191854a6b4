/**
 * The Azure Functions Java library's request, response and context, implemented as the Functions host
 * and the Java worker fill them: the local runner's Functions host ({@code ./tollgate local --platform
 * azure}) and the function's tests hand them to the real {@code dev.tollgate.azure.TollgateFunction},
 * since the host itself cannot be installed here.
 */
package dev.tollgate.emulators.functions;
