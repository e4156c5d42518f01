package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed: phase (Pending, Running, Failed), addresses, errors, conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkspaceStatus {

    private String phase;
    private Integer readyReplicas;
    private String serviceDNS;
    private String serviceIP;
    private String proxyTarget;
    private String externalURL;
    private String lastError;
    private List<Condition> conditions = new ArrayList<>();
    private Long observedGeneration;
    private String passwordSecret;

    public String getPhase() { return phase; }

    public void setPhase(String phase) { this.phase = phase; }

    public Integer getReadyReplicas() { return readyReplicas; }

    public void setReadyReplicas(Integer readyReplicas) { this.readyReplicas = readyReplicas; }

    public String getServiceDNS() { return serviceDNS; }

    public void setServiceDNS(String serviceDNS) { this.serviceDNS = serviceDNS; }

    public String getServiceIP() { return serviceIP; }

    public void setServiceIP(String serviceIP) { this.serviceIP = serviceIP; }

    public String getProxyTarget() { return proxyTarget; }

    public void setProxyTarget(String proxyTarget) { this.proxyTarget = proxyTarget; }

    public String getExternalURL() { return externalURL; }

    public void setExternalURL(String externalURL) { this.externalURL = externalURL; }

    public String getLastError() { return lastError; }

    public void setLastError(String lastError) { this.lastError = lastError; }

    public List<Condition> getConditions() { return conditions; }

    public void setConditions(List<Condition> conditions) { this.conditions = conditions == null ? new ArrayList<>() : conditions; }

    public Long getObservedGeneration() { return observedGeneration; }

    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }

    /** Name of the Secret holding the generated code-server password (profiles that need one). */
    public String getPasswordSecret() { return passwordSecret; }

    public void setPasswordSecret(String passwordSecret) { this.passwordSecret = passwordSecret; }
}
