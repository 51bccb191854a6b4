/**
 * Tollgate on Azure Functions: the HTTP-triggered function around the core's gateway, and the Azure
 * stores behind its SPIs (Cosmos DB for NoSQL counters and keys).
 */
package dev.tollgate.azure;
