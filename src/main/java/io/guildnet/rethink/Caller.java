package io.guildnet.rethink;

/**
 * Who makes a database request: the authenticated principal ({@code user:<name>}, or
 * {@code local} for a loopback caller) and whether it administers the Host App (the API token's
 * {@code user:admin} and loopback callers administer every database of every cluster).
 */
public record Caller(String principal, boolean hostAdmin, String requestId) {

    public static Caller admin(String principal) { return new Caller(principal, true, null); }

    public static Caller user(String principal) { return new Caller(principal, false, null); }

    /** The host admins: the admin API token and loopback callers. */
    public static boolean isHostAdmin(String principal) {
        return "user:admin".equals(principal) || "local".equals(principal);
    }
}
