package io.guildnet.store;

import java.util.List;
import java.util.Map;

/** A device registered in the host's agent directory (anchor AgentRecord). */
public record Agent(String id, String org, String hostname, String ip, Map<String, Integer> ports,
                    List<String> capabilities, String version, String lastSeen) {}
