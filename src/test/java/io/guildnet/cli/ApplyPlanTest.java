package io.guildnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The federation file's plan: workspaces × clusters, validated before anything is sent. */
class ApplyPlanTest {

    static Map<String, Object> doc(String yaml) {
        return new Yaml().load(yaml);
    }

    @Test
    void everyWorkspaceGoesToItsClustersOrToAllOfTheFederation() {
        List<ApplyCommand.Step> plan = ApplyCommand.plan(doc("""
                federation:
                  name: prod
                  clusters: [{id: east, weight: 60}, {id: west, weight: 40}]
                workspaces:
                  - {name: web, image: nginx, env: {A: b}, ports: [80]}
                  - {name: ide, image: code-server, clusters: [east]}
                """));
        assertEquals(List.of("east/web", "west/web", "east/ide"), plan.stream().map(s -> s.cluster() + "/" + s.name()).toList());
        var web = plan.get(0).spec().toJson();
        assertEquals("prod", web.getJsonObject("labels").getString("federation"));
        assertEquals("b", web.getJsonObject("env").getString("A"));
        assertEquals(80, web.getJsonArray("ports").getJsonObject(0).getInt("containerPort"));
    }

    @Test
    void refusesWhatIsNotAFederation() {
        String[] bad = {
            "workspaces: []",
            "federation: {clusters: []}\nworkspaces: []",
            "federation: {clusters: [a]}\nworkspaces: [{name: x}]",
            "federation: {clusters: [a]}\nworkspaces: [{name: x, image: y, clusters: [b]}]",
            "federation: {clusters: [a]}\nworkspaces: [{name: x, image: y, replicas: 3}]",
        };
        for (String b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApplyCommand.plan(doc(b)), b);
            assertTrue(!e.getMessage().isEmpty());
        }
    }
}
