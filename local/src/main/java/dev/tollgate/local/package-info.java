/**
 * The local runner behind {@code ./tollgate local}: an API Gateway emulation around the real
 * Lambda handler, DynamoDB Local, a local ECS API ({@link dev.tollgate.emulators.LocalEcsApi}) with
 * demo tasks, and demo services, all on 127.0.0.1; and the rest of the {@code ./tollgate} command
 * line ({@code validate}, {@code token}, {@code keys}). Never part of the Lambda artifact.
 */
package dev.tollgate.local;
