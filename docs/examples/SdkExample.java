// The Java SDK in a few lines (compile and run against target/mgn.jar, which holds the SDK):
//   javac -cp target/mgn.jar docs/examples/SdkExample.java -d /tmp/ex && java -cp target/mgn.jar:/tmp/ex SdkExample CLUSTER
import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.NotFoundException;
import io.guildnet.sdk.Workspaces;
import io.guildnet.store.ClusterRecord;
import java.nio.file.Path;
import java.time.Duration;

public class SdkExample {
    public static void main(String[] args) {
        try (GuildNetClient gn = GuildNetClient.builder(System.getenv().getOrDefault("MGN_API_URL", "https://127.0.0.1:8090"))
                .token(System.getenv("MGN_API_TOKEN"))
                .trustGuildNetHome(Path.of(System.getProperty("user.home"), ".guildnet"))
                .maxRetries(3).backoff(Duration.ofMillis(250), Duration.ofSeconds(8))
                .build()) {
            for (ClusterRecord c : gn.clusters().list()) System.out.println(c.id() + " " + c.name() + " " + c.state());
            Workspaces ws = gn.workspaces(args[0]);
            String name = ws.create(new Workspaces.Spec("nginx:1.27").name("sdk-demo").port(80, "http").env("MODE", "demo"));
            ws.waitUntilRunning(name, Duration.ofMinutes(5), Duration.ofSeconds(2));
            ws.logs(name, 20).forEach(l -> System.out.println(l.getString("t") + " " + l.getString("msg")));
            ws.delete(name);
            ws.get(name);
        } catch (NotFoundException e) {
            System.out.println("gone: " + e.code() + " (request " + e.requestId() + ")");
        }
    }
}
