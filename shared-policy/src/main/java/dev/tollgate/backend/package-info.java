/**
 * Backends: where a route's requests go ({@link dev.tollgate.backend.BackendTarget}: a URL, an
 * {@link dev.tollgate.backend.EcsService ecs://} service or a stage variable holding either), which
 * task of a service takes a try ({@link dev.tollgate.backend.BackendResolver}, implemented on AWS
 * with the ECS API) and how requests get there: {@link dev.tollgate.backend.HttpForwarder}'s loop of
 * tries, within a {@link dev.tollgate.backend.RetryBudget}, with the headers
 * {@link dev.tollgate.backend.ForwardedHeaders} lets through each way.
 */
package dev.tollgate.backend;
