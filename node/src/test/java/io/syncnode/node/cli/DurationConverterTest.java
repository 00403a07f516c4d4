package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {
    @ParameterizedTest(name = "{0} is {1} ms and formats as {2}")
    @CsvSource({
            "500ms, 500, 500ms",
            "60s, 60000, 1m",
            "2m, 120000, 2m",
            "1h, 3600000, 1h",
            "1m30s, 90000, 1m30s",
            "0s, 0, 0s",
            "1s, 1000, 1s",
    })
    void parsesAndFormats(String text, long millis, String formatted) {
        Duration parsed = DurationConverter.parse(text);
        assertEquals(Duration.ofMillis(millis), parsed);
        assertEquals(formatted, DurationConverter.format(parsed));
    }

    @ParameterizedTest(name = "\"{0}\" is not a duration")
    @ValueSource(strings = {"", "5", "5x", "s", "-1s", "1.5s", "1 s", "60s ", "PT1M", "1sms", "9999999999s"})
    void rejects(String text) {
        assertNull(DurationConverter.parse(text));
    }
}
