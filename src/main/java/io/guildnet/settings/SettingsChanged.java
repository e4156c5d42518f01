package io.guildnet.settings;

import java.util.Set;

/** CDI event fired after a settings kind was changed and committed; observers apply it live. */
public record SettingsChanged(String kind, Set<String> fields) {}
