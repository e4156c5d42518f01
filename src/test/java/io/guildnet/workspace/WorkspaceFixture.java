package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.guildnet.workspace.model.Exposure;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspacePort;
import io.guildnet.workspace.model.WorkspaceResources;
import io.guildnet.workspace.model.WorkspaceSpec;
import io.guildnet.workspace.model.WorkspaceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds Workspace objects for the pure desired-state and status tests. */
final class WorkspaceFixture {

    static final String NAMESPACE = "team-a";
    static final String UID = "0b6f3c1e-5d2a-4f8e-9c11-7a4e2b9d0f01";

    private String name = "dev";
    private String namespace = NAMESPACE;
    private String uid = UID;
    private long generation = 3L;
    private String creationTimestamp = "2026-01-01T00:00:00Z";
    private String image = "codercom/code-server:4.90.3";
    private final List<WorkspacePort> ports = new ArrayList<>();
    private final List<EnvVar> env = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final List<String> command = new ArrayList<>();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private Exposure exposure;
    private WorkspaceResources resources;
    private WorkspaceStatus status;

    static WorkspaceFixture workspace(String image) {
        return new WorkspaceFixture().image(image);
    }

    WorkspaceFixture name(String name) { this.name = name; return this; }

    WorkspaceFixture namespace(String namespace) { this.namespace = namespace; return this; }

    WorkspaceFixture uid(String uid) { this.uid = uid; return this; }

    WorkspaceFixture generation(long generation) { this.generation = generation; return this; }

    WorkspaceFixture created(Instant at) { this.creationTimestamp = at.toString(); return this; }

    WorkspaceFixture image(String image) { this.image = image; return this; }

    WorkspaceFixture port(int containerPort) { return port(containerPort, null, null); }

    WorkspaceFixture port(int containerPort, String name) { return port(containerPort, name, null); }

    WorkspaceFixture port(int containerPort, String name, String protocol) {
        ports.add(new WorkspacePort(containerPort, name, protocol));
        return this;
    }

    WorkspaceFixture env(String name, String value) {
        env.add(new EnvVarBuilder().withName(name).withValue(value).build());
        return this;
    }

    WorkspaceFixture env(EnvVar var) { env.add(var); return this; }

    WorkspaceFixture args(String... a) { args.addAll(List.of(a)); return this; }

    WorkspaceFixture command(String... c) { command.addAll(List.of(c)); return this; }

    WorkspaceFixture label(String key, String value) { labels.put(key, value); return this; }

    WorkspaceFixture exposure(Exposure exposure) { this.exposure = exposure; return this; }

    WorkspaceFixture exposureType(String type) {
        Exposure e = new Exposure();
        e.setType(type);
        return exposure(e);
    }

    WorkspaceFixture resources(String cpu, String memory, String limitCpu, String limitMemory) {
        WorkspaceResources r = new WorkspaceResources();
        r.setCpu(cpu);
        r.setMemory(memory);
        r.setLimitCpu(limitCpu);
        r.setLimitMemory(limitMemory);
        this.resources = r;
        return this;
    }

    WorkspaceFixture status(WorkspaceStatus status) { this.status = status; return this; }

    Workspace build() {
        Workspace ws = new Workspace();
        ws.getMetadata().setName(name);
        ws.getMetadata().setNamespace(namespace);
        ws.getMetadata().setUid(uid);
        ws.getMetadata().setGeneration(generation);
        ws.getMetadata().setCreationTimestamp(creationTimestamp);
        WorkspaceSpec spec = new WorkspaceSpec();
        spec.setImage(image);
        spec.setPorts(new ArrayList<>(ports));
        spec.setEnv(new ArrayList<>(env));
        spec.setArgs(new ArrayList<>(args));
        spec.setCommand(new ArrayList<>(command));
        spec.setLabels(new LinkedHashMap<>(labels));
        spec.setExposure(exposure);
        spec.setResources(resources);
        ws.setSpec(spec);
        ws.setStatus(status);
        return ws;
    }

    static Exposure ingressExposure(String domain) {
        Exposure e = new Exposure();
        e.setType("Ingress");
        e.setDomain(domain);
        return e;
    }
}
