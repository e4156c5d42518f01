package io.guildnet.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Job metadata (the batch runtime keeps its own execution state). */
public final class JobRepository {

    public void upsert(Connection c, JobRecord j) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO jobs(id, kind, spec_json, status, progress, created, updated, result, error) VALUES(?,?,?,?,?,?,?,?,?) "
                        + "ON CONFLICT(id) DO UPDATE SET status=excluded.status, progress=excluded.progress, "
                        + "updated=excluded.updated, result=excluded.result, error=excluded.error")) {
            ps.setString(1, j.id());
            ps.setString(2, j.kind());
            ps.setString(3, j.specJson());
            ps.setString(4, j.status());
            ps.setDouble(5, j.progress());
            ps.setString(6, j.created());
            ps.setString(7, j.updated());
            ps.setString(8, j.result());
            ps.setString(9, j.error());
            ps.executeUpdate();
        }
    }

    public Optional<JobRecord> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public List<JobRecord> list(Connection c, int limit) throws SQLException {
        List<JobRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY created DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        }
        return out;
    }

    private static final String SELECT = "SELECT id, kind, spec_json, status, progress, created, updated, result, error FROM jobs";

    private static JobRecord row(ResultSet rs) throws SQLException {
        return new JobRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getDouble(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }
}
