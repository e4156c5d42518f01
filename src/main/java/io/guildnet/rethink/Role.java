package io.guildnet.rethink;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The anchor's database roles and action matrix. */
public enum Role {
    VIEWER, EDITOR, MAINTAINER, ADMIN;

    public static final Set<String> ACTIONS = Set.of("db.create", "db.update", "db.delete", "table.create", "table.schema",
            "table.delete", "row.read", "row.write", "perm.manage", "audit.read");

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Optional<Role> parse(String s) {
        if (s == null) return Optional.empty();
        for (Role r : values()) if (r.wire().equals(s.trim().toLowerCase(Locale.ROOT))) return Optional.of(r);
        return Optional.empty();
    }

    /** admin: everything; maintainer: structure, permissions and data; editor: read and write rows; viewer: read rows. */
    public boolean allows(String action) {
        if (this == ADMIN) return ACTIONS.contains(action);
        return switch (action) {
            case "db.create", "db.update", "db.delete", "table.create", "table.schema", "table.delete", "perm.manage", "audit.read" -> this == MAINTAINER;
            case "row.write" -> this == MAINTAINER || this == EDITOR;
            case "row.read" -> true;
            default -> false;
        };
    }

    /** Viewers and editors see masked columns as {@code "***"}. */
    public boolean masked() { return this == VIEWER || this == EDITOR; }
}
