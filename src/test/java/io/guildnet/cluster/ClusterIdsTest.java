package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClusterIdsTest {

    @Test
    void upperCaseIsLowered() {
        assertEquals("prodeu1", ClusterIds.normalize("ProdEU1"));
    }

    @Test
    void dashUnderscoreAndDotBecomeDashes() {
        assertEquals("prod-eu-west-1", ClusterIds.normalize("prod_eu.west-1"));
        assertEquals("a---b", ClusterIds.normalize("a._-b"), "each separator maps to its own dash");
    }

    @Test
    void otherCharactersAreDropped() {
        assertEquals("abcd", ClusterIds.normalize("a b!c@d"));
        assertEquals("team1", ClusterIds.normalize("team#1/"));
        assertEquals("caf", ClusterIds.normalize("Café"));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals("edge", ClusterIds.normalize("  edge \t"));
    }

    @Test
    void emptyOrNothingUsableIsDefault() {
        assertEquals("default", ClusterIds.normalize(null));
        assertEquals("default", ClusterIds.normalize(""));
        assertEquals("default", ClusterIds.normalize("   "));
        assertEquals("default", ClusterIds.normalize("!!!@@@"));
    }

    @Test
    void resultIsAtMost63CharactersKeepingTheStart() {
        String raw = "Cluster_" + "x".repeat(100);
        String id = ClusterIds.normalize(raw);

        assertEquals(63, id.length());
        assertTrue(id.startsWith("cluster-xxx"));
        assertEquals("a".repeat(63), ClusterIds.normalize("A".repeat(63)));
        assertEquals("a".repeat(62), ClusterIds.normalize("A".repeat(62)));
    }

    @Test
    void truncationCountsTheNormalisedCharacters() {
        // 70 dropped characters then 63 letters: the dropped ones do not use up the budget
        assertEquals("b".repeat(63), ClusterIds.normalize("!".repeat(70) + "b".repeat(63)));
    }

    @Test
    void normalisingIsIdempotent() {
        for (String raw : new String[] {"Prod_EU.1", "  x  ", "", "Ünïcödé-Name", "a".repeat(80)}) {
            String once = ClusterIds.normalize(raw);
            assertEquals(once, ClusterIds.normalize(once), raw);
        }
    }
}
