package io.guildnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLogsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "token=abc123                          | token=***",
            "api_token=abc&page=2                  | api_token=***&page=2",
            "page=2&key=k1&q=hello                 | page=2&key=***&q=hello",
            "clientSecret=s3cr3t                   | clientSecret=***",
            "password=hunter2&user=bob             | password=***&user=bob",
            "passphrase=x                          | passphrase=***",
            "Authorization=Bearer%20x              | Authorization=***",
            "AUTH=x                                | AUTH=***",
            "session=abc&cookie=def                | session=***&cookie=***",
            "token=a=b=c                           | token=***",
            "token=                                | token=***",
            "q=token&value=secret                  | q=token&value=secret",
            "page=1&size=20                        | page=1&size=20",
            "a=1&&b=2                              | a=1&&b=2",
            "token                                 | token",
    })
    void redactsValuesOfSecretLookingParameters(String query, String expected) {
        assertEquals(expected, AccessLogs.redactQuery(query));
    }

    @org.junit.jupiter.api.Test
    void emptyQueryStaysEmpty() {
        assertEquals("", AccessLogs.redactQuery(""));
    }
}
