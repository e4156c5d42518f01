package io.guildnet.workspace.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Allowed actions ({@code launch}, {@code delete}, {@code stopAll}, {@code readLogs}, {@code proxy})
 * for workspaces matching {@code selector}, with constraints: image globs, ports, a concurrency cap.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class CapabilitySpec {

    private List<String> actions = new ArrayList<>();
    private LabelSelector selector;
    private List<String> allowedImages = new ArrayList<>();
    private List<Integer> allowedPorts = new ArrayList<>();
    private Integer maxConcurrent;

    public List<String> getActions() { return actions; }

    public void setActions(List<String> actions) { this.actions = actions == null ? new ArrayList<>() : actions; }

    public LabelSelector getSelector() { return selector; }

    public void setSelector(LabelSelector selector) { this.selector = selector; }

    public List<String> getAllowedImages() { return allowedImages; }

    public void setAllowedImages(List<String> allowedImages) { this.allowedImages = allowedImages == null ? new ArrayList<>() : allowedImages; }

    public List<Integer> getAllowedPorts() { return allowedPorts; }

    public void setAllowedPorts(List<Integer> allowedPorts) { this.allowedPorts = allowedPorts == null ? new ArrayList<>() : allowedPorts; }

    public Integer getMaxConcurrent() { return maxConcurrent; }

    public void setMaxConcurrent(Integer maxConcurrent) { this.maxConcurrent = maxConcurrent; }
}
