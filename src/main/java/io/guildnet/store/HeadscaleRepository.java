package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Headscale server records. */
public final class HeadscaleRepository {

    public void upsert(Connection c, HeadscaleRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO headscales(id, name, type, state, endpoint, created_at, updated_at, cluster_id, namespace) VALUES(?,?,?,?,?,?,?,?,?) "
                        + "ON CONFLICT(id) DO UPDATE SET name=excluded.name, type=excluded.type, state=excluded.state, "
                        + "endpoint=excluded.endpoint, updated_at=excluded.updated_at, cluster_id=excluded.cluster_id, namespace=excluded.namespace")) {
            ps.setString(1, r.id());
            ps.setString(2, r.name());
            ps.setString(3, r.type());
            ps.setString(4, r.state());
            ps.setString(5, r.endpoint());
            ps.setString(6, r.createdAt());
            ps.setString(7, r.updatedAt());
            ps.setString(8, r.cluster());
            ps.setString(9, r.namespace());
            ps.executeUpdate();
        }
    }

    public Optional<HeadscaleRecord> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public List<HeadscaleRecord> list(Connection c) throws SQLException {
        List<HeadscaleRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created_at, id"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(row(rs));
        }
        return out;
    }

    public boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM headscales WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    private static final String SELECT = "SELECT id, name, type, state, endpoint, created_at, updated_at, cluster_id, namespace FROM headscales";

    private static HeadscaleRecord row(ResultSet rs) throws SQLException {
        return new HeadscaleRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }
}
