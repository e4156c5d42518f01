package io.guildnet.store;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The agent directory. */
public final class AgentRepository {

    public void upsert(Connection c, Agent a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO agents(id, org, hostname, ip, ports, capabilities, version, last_seen) VALUES(?,?,?,?,?,?,?,?) "
                        + "ON CONFLICT(id) DO UPDATE SET org=excluded.org, hostname=excluded.hostname, ip=excluded.ip, "
                        + "ports=excluded.ports, capabilities=excluded.capabilities, version=excluded.version, last_seen=excluded.last_seen")) {
            ps.setString(1, a.id());
            ps.setString(2, a.org() == null ? "" : a.org());
            ps.setString(3, a.hostname());
            ps.setString(4, a.ip());
            ps.setString(5, a.ports() == null ? null : portsJson(a.ports()));
            ps.setString(6, a.capabilities() == null ? null : capsJson(a.capabilities()));
            ps.setString(7, a.version());
            ps.setString(8, a.lastSeen());
            ps.executeUpdate();
        }
    }

    public Optional<Agent> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Agents seen at or after {@code since} (ISO instant), optionally of one org. */
    public List<Agent> list(Connection c, String org, String since) throws SQLException {
        String sql = SELECT + " WHERE last_seen >= ?" + (org == null || org.isEmpty() ? "" : " AND org = ?") + " ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, since);
            if (org != null && !org.isEmpty()) ps.setString(2, org);
            List<Agent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
            return out;
        }
    }

    public int pruneBefore(Connection c, String before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM agents WHERE last_seen < ?")) {
            ps.setString(1, before);
            return ps.executeUpdate();
        }
    }

    private static final String SELECT = "SELECT id, org, hostname, ip, ports, capabilities, version, last_seen FROM agents";

    private static Agent row(ResultSet rs) throws SQLException {
        Map<String, Integer> ports = null;
        String pj = rs.getString(5);
        if (pj != null) {
            ports = new LinkedHashMap<>();
            JsonObject o = Json.createReader(new StringReader(pj)).readObject();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) ports.put(e.getKey(), ((JsonNumber) e.getValue()).intValue());
        }
        List<String> caps = null;
        String cj = rs.getString(6);
        if (cj != null) {
            caps = new ArrayList<>();
            JsonArray arr = Json.createReader(new StringReader(cj)).readArray();
            for (JsonValue v : arr) caps.add(((JsonString) v).getString());
        }
        String org = rs.getString(2);
        return new Agent(rs.getString(1), org == null || org.isEmpty() ? null : org, rs.getString(3), rs.getString(4),
                ports, caps, rs.getString(7), rs.getString(8));
    }

    private static String portsJson(Map<String, Integer> ports) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        ports.forEach(b::add);
        return b.build().toString();
    }

    private static String capsJson(List<String> caps) {
        JsonArrayBuilder b = Json.createArrayBuilder();
        caps.forEach(b::add);
        return b.build().toString();
    }
}
