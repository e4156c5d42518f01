package io.guildnet.workspace.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A policy: which actions are allowed on workspaces matching a label selector, with constraints. */
@Group("guildnet.io")
@Version("v1alpha1")
@Kind("Capability")
@Plural("capabilities")
@ShortNames("cap")
public class Capability extends CustomResource<CapabilitySpec, Void> implements Namespaced {
}
