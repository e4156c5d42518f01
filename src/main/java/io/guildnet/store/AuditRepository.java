package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The host audit log (append-only). */
public final class AuditRepository {

    /** Filter for {@link #query}; null fields match anything. */
    public record Filter(String actor, String action, String entityType, String entityId, String since) {}

    public void insert(Connection c, AuditEntry e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit(id, ts, actor, action, entity_type, entity_id, details, request_id, status) VALUES(?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, e.id());
            ps.setString(2, e.ts());
            ps.setString(3, e.actor());
            ps.setString(4, e.action());
            ps.setString(5, e.entityType());
            ps.setString(6, e.entityId());
            ps.setString(7, e.details());
            ps.setString(8, e.requestId());
            if (e.status() == null) ps.setNull(9, Types.INTEGER); else ps.setInt(9, e.status());
            ps.executeUpdate();
        }
    }

    /** Newest first. */
    public List<AuditEntry> query(Connection c, Filter f, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT id, ts, actor, action, entity_type, entity_id, details, request_id, status FROM audit WHERE 1=1");
        List<String> args = new ArrayList<>();
        if (f.actor() != null) { sql.append(" AND actor = ?"); args.add(f.actor()); }
        if (f.action() != null) { sql.append(" AND action = ?"); args.add(f.action()); }
        if (f.entityType() != null) { sql.append(" AND entity_type = ?"); args.add(f.entityType()); }
        if (f.entityId() != null) { sql.append(" AND entity_id = ?"); args.add(f.entityId()); }
        if (f.since() != null) { sql.append(" AND ts >= ?"); args.add(f.since()); }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (String a : args) ps.setString(i++, a);
            ps.setInt(i, limit);
            List<AuditEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int st = rs.getInt(9);
                    Integer status = rs.wasNull() ? null : st;
                    out.add(new AuditEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), status));
                }
            }
            return out;
        }
    }
}
