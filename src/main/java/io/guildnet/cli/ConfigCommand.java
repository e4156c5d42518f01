package io.guildnet.cli;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code mgn config}: shows the resolved settings and where each came from (the token is never shown). */
@Command(name = "config", description = "Show the resolved settings and their source (default, file, env, flag).", mixinStandardHelpOptions = true)
final class ConfigCommand extends Base {
    @Override
    public Integer call() {
        CliConfig c = root().config();
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (String k : CliConfig.ENV.keySet()) {
            String v = c.get(k);
            String shown = v == null ? "" : "token".equals(k) ? Output.REDACTED : v;
            a.add(Json.createObjectBuilder().add("key", k).add("value", shown).add("source", c.source(k)).add("env", CliConfig.ENV.get(k)));
        }
        out().print(a.build(), List.of("key", "value", "source", "env"));
        return 0;
    }
}
