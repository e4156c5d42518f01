package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** CPU and memory: {@code cpu}/{@code memory} are requests (anchor shape); {@code limitCpu}/{@code limitMemory} limits. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkspaceResources {

    private String cpu;
    private String memory;
    private String limitCpu;
    private String limitMemory;

    public String getCpu() { return cpu; }

    public void setCpu(String cpu) { this.cpu = cpu; }

    public String getMemory() { return memory; }

    public void setMemory(String memory) { this.memory = memory; }

    public String getLimitCpu() { return limitCpu; }

    public void setLimitCpu(String limitCpu) { this.limitCpu = limitCpu; }

    public String getLimitMemory() { return limitMemory; }

    public void setLimitMemory(String limitMemory) { this.limitMemory = limitMemory; }
}
