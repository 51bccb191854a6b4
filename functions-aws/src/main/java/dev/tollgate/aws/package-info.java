/**
 * Tollgate on AWS Lambda: {@link dev.tollgate.aws.HttpApiHandler} (HTTP API, payload 2.0) and
 * {@link dev.tollgate.aws.RestApiHandler} (REST API, payload 1.0), which read API Gateway's event JSON
 * themselves ({@link dev.tollgate.aws.ProxyEvent}), around the gateway that
 * {@link dev.tollgate.aws.AwsGateway} builds once per instance, with DynamoDB counters
 * ({@link dev.tollgate.aws.DynamoDbCounterStore}), API keys ({@link dev.tollgate.aws.DynamoDbKeyStore}; their
 * administration, for {@code ./tollgate keys}, in {@link dev.tollgate.aws.DynamoDbKeyAdmin})
 * and the tasks of {@code ecs://} backends found through the ECS API ({@link dev.tollgate.aws.EcsBackendResolver}).
 * The local runner around these handlers is a module of its own ({@code local/}, package {@code dev.tollgate.local}).
 */
package dev.tollgate.aws;
