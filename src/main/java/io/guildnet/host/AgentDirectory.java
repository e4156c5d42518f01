package io.guildnet.host;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.store.Agent;
import io.guildnet.store.StateStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The agent directory: devices register, others resolve them; entries expire after two minutes. */
@ApplicationScoped
public class AgentDirectory {

    static final Duration TTL = Duration.ofMinutes(2);

    @Inject
    StateStore store;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> pruner;

    @PostConstruct
    void start() {
        if (scheduler != null) {
            pruner = scheduler.scheduleAtFixedRate(this::prune, 120, 120, TimeUnit.SECONDS);
        }
    }

    @PreDestroy
    void stop() {
        if (pruner != null) pruner.cancel(false);
    }

    void prune() {
        String cutoff = Instant.now().minus(TTL).toString();
        store.write(c -> store.agents().pruneBefore(c, cutoff));
    }

    public Agent register(JsonObject body) {
        JsonInput.onlyFields(body, Set.of("id", "ip", "org", "hostname", "ports", "capabilities", "version", "last_seen"));
        String id = JsonInput.requiredString(body, "id");
        String ip = JsonInput.requiredString(body, "ip");
        if (!id.matches("[A-Za-z0-9._:@-]{1,128}")) throw ApiException.badRequest("invalid_field", "id must be 1-128 of [A-Za-z0-9._:@-]");
        if (!isIpLiteral(ip)) throw ApiException.badRequest("invalid_field", "ip must be an IPv4 or IPv6 address");
        String org = JsonInput.string(body, "org");
        String hostname = JsonInput.string(body, "hostname");
        String version = JsonInput.string(body, "version");
        Map<String, Integer> ports = null;
        if (body.containsKey("ports") && !body.isNull("ports")) {
            if (!(body.get("ports") instanceof JsonObject po)) throw ApiException.badRequest("invalid_field", "ports must be an object of name: port");
            ports = new LinkedHashMap<>();
            for (Map.Entry<String, JsonValue> e : po.entrySet()) {
                if (!(e.getValue() instanceof JsonNumber n) || !n.isIntegral() || n.intValue() < 1 || n.intValue() > 65535) {
                    throw ApiException.badRequest("invalid_field", "ports." + e.getKey() + " must be a port number 1-65535");
                }
                ports.put(e.getKey(), n.intValue());
            }
        }
        List<String> caps = null;
        if (body.containsKey("capabilities") && !body.isNull("capabilities")) {
            caps = new ArrayList<>();
            for (JsonValue v : body.getJsonArray("capabilities")) {
                if (!(v instanceof JsonString s)) throw ApiException.badRequest("invalid_field", "capabilities must be strings");
                caps.add(s.getString());
            }
        }
        Agent a = new Agent(id, org, hostname, ip, ports, caps, version, Instant.now().toString());
        store.write(c -> {
            store.agents().upsert(c, a);
            return null;
        });
        return a;
    }

    public Optional<Agent> resolve(String id, String org) {
        Optional<Agent> a = store.read(c -> store.agents().get(c, id));
        String cutoff = Instant.now().minus(TTL).toString();
        return a.filter(x -> x.lastSeen().compareTo(cutoff) >= 0)
                .filter(x -> org == null || org.isEmpty() || org.equals(x.org()));
    }

    public List<Agent> list(String org) {
        String cutoff = Instant.now().minus(TTL).toString();
        return store.read(c -> store.agents().list(c, org, cutoff));
    }

    static boolean isIpLiteral(String s) {
        if (!s.matches("[0-9a-fA-F:.]+") || s.length() > 45) return false;
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
