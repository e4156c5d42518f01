package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user asked for. Every field the API accepts is here, so nothing is pruned by the API server. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class WorkspaceSpec {

    @Required
    private String image;
    private List<String> command = new ArrayList<>();
    private List<String> args = new ArrayList<>();
    private List<EnvVar> env = new ArrayList<>();
    private List<WorkspacePort> ports = new ArrayList<>();
    private WorkspaceResources resources;
    private Map<String, String> labels = new LinkedHashMap<>();
    private Exposure exposure;
    private String presetsRef;
    private String notes;

    public String getImage() { return image; }

    public void setImage(String image) { this.image = image; }

    public List<String> getCommand() { return command; }

    public void setCommand(List<String> command) { this.command = command == null ? new ArrayList<>() : command; }

    public List<String> getArgs() { return args; }

    public void setArgs(List<String> args) { this.args = args == null ? new ArrayList<>() : args; }

    public List<EnvVar> getEnv() { return env; }

    public void setEnv(List<EnvVar> env) { this.env = env == null ? new ArrayList<>() : env; }

    public List<WorkspacePort> getPorts() { return ports; }

    public void setPorts(List<WorkspacePort> ports) { this.ports = ports == null ? new ArrayList<>() : ports; }

    public WorkspaceResources getResources() { return resources; }

    public void setResources(WorkspaceResources resources) { this.resources = resources; }

    public Map<String, String> getLabels() { return labels; }

    public void setLabels(Map<String, String> labels) { this.labels = labels == null ? new LinkedHashMap<>() : labels; }

    public Exposure getExposure() { return exposure; }

    public void setExposure(Exposure exposure) { this.exposure = exposure; }

    public String getPresetsRef() { return presetsRef; }

    public void setPresetsRef(String presetsRef) { this.presetsRef = presetsRef; }

    public String getNotes() { return notes; }

    public void setNotes(String notes) { this.notes = notes; }
}
