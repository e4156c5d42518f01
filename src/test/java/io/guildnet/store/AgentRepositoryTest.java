package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final AgentRepository repo = new AgentRepository();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Agent agent(String id, String org, String lastSeen) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("http", 8080);
        ports.put("https", 8443);
        return new Agent(id, org, id + ".local", "100.64.0." + (id.hashCode() & 0x7f), ports,
                List.of("vscode", "shell"), "1.2.3", lastSeen);
    }

    private void upsert(Agent a) throws Exception {
        db.write(c -> { repo.upsert(c, a); return null; });
    }

    @Test
    void upsertThenGetRoundTripsEveryField() throws Exception {
        Agent a = agent("a1", "acme", "2030-01-01T00:00:00Z");
        upsert(a);

        Optional<Agent> got = db.read(c -> repo.get(c, "a1"));

        assertEquals(Optional.of(a), got);
        assertEquals(List.of("http", "https"), List.copyOf(got.get().ports().keySet()), "port order kept");
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "missing")));
    }

    @Test
    void nullOptionalFieldsRoundTripAsNull() throws Exception {
        Agent a = new Agent("a1", null, null, "100.64.0.1", null, null, null, "2030-01-01T00:00:00Z");
        upsert(a);
        assertEquals(Optional.of(a), db.read(c -> repo.get(c, "a1")));
    }

    @Test
    void upsertReplacesAnExistingAgent() throws Exception {
        upsert(agent("a1", "acme", "2030-01-01T00:00:00Z"));
        Agent moved = new Agent("a1", "other", "new-host", "100.64.9.9", Map.of("ssh", 22), List.of("shell"), "2.0.0",
                "2030-01-02T00:00:00Z");
        upsert(moved);

        assertEquals(Optional.of(moved), db.read(c -> repo.get(c, "a1")));
        assertEquals(List.of(moved), db.read(c -> repo.list(c, null, "")));
    }

    @Test
    void listFiltersByOrgAndSinceOrderedById() throws Exception {
        Agent b = agent("b", "acme", "2030-01-03T00:00:00Z");
        Agent a = agent("a", "acme", "2030-01-02T00:00:00Z");
        Agent old = agent("c", "acme", "2030-01-01T00:00:00Z");
        Agent other = agent("d", "globex", "2030-01-03T00:00:00Z");
        Agent noOrg = agent("e", null, "2030-01-03T00:00:00Z");
        for (Agent x : List.of(b, a, old, other, noOrg)) upsert(x);

        assertEquals(List.of(a, b), db.read(c -> repo.list(c, "acme", "2030-01-02T00:00:00Z")));
        assertEquals(List.of(a, b, old), db.read(c -> repo.list(c, "acme", "2030-01-01T00:00:00Z")));
        assertEquals(List.of(other), db.read(c -> repo.list(c, "globex", "2030-01-01T00:00:00Z")));
        assertEquals(List.of(a, b, other, noOrg), db.read(c -> repo.list(c, null, "2030-01-02T00:00:00Z")));
        assertEquals(List.of(a, b, other, noOrg), db.read(c -> repo.list(c, "", "2030-01-02T00:00:00Z")));
        assertEquals(List.of(), db.read(c -> repo.list(c, "acme", "2030-01-04T00:00:00Z")));
    }

    @Test
    void pruneRemovesAgentsLastSeenBeforeTheCutoff() throws Exception {
        upsert(agent("old", "acme", "2030-01-01T00:00:00Z"));
        upsert(agent("edge", "acme", "2030-01-02T00:00:00Z"));
        upsert(agent("new", "acme", "2030-01-03T00:00:00Z"));

        assertEquals(1, db.<Integer>write(c -> repo.pruneBefore(c, "2030-01-02T00:00:00Z")));

        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "old")));
        assertEquals(List.of("edge", "new"),
                db.read(c -> repo.list(c, null, "")).stream().map(Agent::id).toList());
    }
}
