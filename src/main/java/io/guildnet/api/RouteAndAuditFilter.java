package io.guildnet.api;

import io.guildnet.audit.AuditLog;
import io.guildnet.audit.Audited;
import io.guildnet.security.AuthPolicy;
import io.guildnet.web.RequestInfo;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;

/**
 * Records the matched route template (for metrics and logs) and writes one
 * audit entry for every mutation that reached a resource: principal, action,
 * entity, request id and status. Request bodies never go into the audit log.
 */
@Provider
public class RouteAndAuditFilter implements ContainerRequestFilter, ContainerResponseFilter {

    @Context
    ResourceInfo resource;

    @Context
    HttpServletRequest servletRequest;

    @Inject
    AuditLog audit;

    @Override
    public void filter(ContainerRequestContext req) {
        String route = route();
        if (route != null) servletRequest.setAttribute(RequestInfo.ROUTE_ATTR, route);
    }

    @Override
    public void filter(ContainerRequestContext req, ContainerResponseContext res) {
        if (!AuthPolicy.isMutation(req.getMethod(), false)) return;
        Method m = resource == null ? null : resource.getResourceMethod();
        if (m == null) return; // no resource matched (404/405): nothing was changed
        String route = route();
        Audited a = m.getAnnotation(Audited.class);
        String action = a != null ? a.action() : req.getMethod() + " " + route;
        String entityType = a != null ? a.entityType() : "api";
        String entityId = a != null && !a.idParam().isEmpty()
                ? req.getUriInfo().getPathParameters().getFirst(a.idParam()) : null;
        RequestInfo ri = RequestInfo.of(servletRequest);
        Object actor = servletRequest.getAttribute(RequestInfo.ACTOR_ATTR);
        audit.record(actor != null ? actor.toString() : ri.principal(), action, entityType, entityId, null,
                ri.requestId(), res.getStatus());
    }

    private String route() {
        if (resource == null || resource.getResourceClass() == null) return null;
        StringBuilder sb = new StringBuilder("/api");
        Path cp = resource.getResourceClass().getAnnotation(Path.class);
        if (cp != null) sb.append(cp.value().startsWith("/") ? "" : "/").append(cp.value());
        Method m = resource.getResourceMethod();
        Path mp = m == null ? null : m.getAnnotation(Path.class);
        if (mp != null) sb.append(mp.value().startsWith("/") ? "" : "/").append(mp.value());
        return sb.toString().replaceAll("/+", "/");
    }
}
