package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Published services per cluster. */
public final class PublishedServiceRepository {

    public void upsert(Connection c, PublishedService p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO published_services(cluster_id, service, addr, added_at) VALUES(?,?,?,?) "
                        + "ON CONFLICT(cluster_id, service) DO UPDATE SET addr=excluded.addr, added_at=excluded.added_at")) {
            ps.setString(1, p.clusterId());
            ps.setString(2, p.service());
            ps.setString(3, p.addr());
            ps.setString(4, p.addedAt());
            ps.executeUpdate();
        }
    }

    public List<PublishedService> list(Connection c, String clusterId) throws SQLException {
        List<PublishedService> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT cluster_id, service, addr, added_at FROM published_services WHERE cluster_id = ? ORDER BY service")) {
            ps.setString(1, clusterId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new PublishedService(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    public int deleteCluster(Connection c, String clusterId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM published_services WHERE cluster_id = ?")) {
            ps.setString(1, clusterId);
            return ps.executeUpdate();
        }
    }

    public boolean delete(Connection c, String clusterId, String service) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM published_services WHERE cluster_id = ? AND service = ?")) {
            ps.setString(1, clusterId);
            ps.setString(2, service);
            return ps.executeUpdate() > 0;
        }
    }
}
