package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** A container port; the protocol is copied to the Service. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkspacePort {

    @Required
    @Min(1)
    @Max(65535)
    private Integer containerPort;
    private String name;
    private String protocol;

    public WorkspacePort() {}

    public WorkspacePort(Integer containerPort, String name, String protocol) {
        this.containerPort = containerPort;
        this.name = name;
        this.protocol = protocol;
    }

    public Integer getContainerPort() { return containerPort; }

    public void setContainerPort(Integer containerPort) { this.containerPort = containerPort; }

    public String getName() { return name; }

    public void setName(String name) { this.name = name; }

    public String getProtocol() { return protocol; }

    public void setProtocol(String protocol) { this.protocol = protocol; }
}
