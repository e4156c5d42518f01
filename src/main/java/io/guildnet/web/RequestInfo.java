package io.guildnet.web;

import jakarta.servlet.ServletRequest;

/** Per-request facts set by {@link GuildNetFilter}: request id and the authenticated principal. */
public record RequestInfo(String requestId, String principal, String via) {

    public static final String ATTR = "guildnet.request";
    /** Set by the JAX-RS layer to the matched route template (bounded metric labels). */
    public static final String ROUTE_ATTR = "guildnet.route";
    /** A resource may set this to the principal an action was done as (e.g. login). */
    public static final String ACTOR_ATTR = "guildnet.actor";

    public static RequestInfo of(ServletRequest r) {
        Object o = r.getAttribute(ATTR);
        return o instanceof RequestInfo ri ? ri : new RequestInfo(null, "anonymous", "none");
    }
}
