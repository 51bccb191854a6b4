package dev.tollgate.problem;

/** No route matches the request's path. */
public final class RouteNotFoundException extends GatewayException {

    public RouteNotFoundException(String detail) {
        super(404, "route-not-found", "Not Found", detail, null, null);
    }
}
