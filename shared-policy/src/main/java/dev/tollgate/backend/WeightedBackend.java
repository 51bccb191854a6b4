package dev.tollgate.backend;

/**
 * One of a route's backends and its share of the requests, for canary releases.
 *
 * @param target where the requests go
 * @param weight its share, relative to the route's other backends; 0 takes none
 */
public record WeightedBackend(BackendTarget target, int weight) {

    public static final int MAX_WEIGHT = 1000;
}
