package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("0ms", Duration.ZERO),
                Arguments.of("0s", Duration.ZERO),
                Arguments.of("20ms", Duration.ofMillis(20)),
                Arguments.of("1s", Duration.ofSeconds(1)),
                Arguments.of("1.5s", Duration.ofMillis(1500)),
                Arguments.of("0.25ms", Duration.ofNanos(250_000)),
                Arguments.of("5m", Duration.ofMinutes(5)),
                Arguments.of("1h", Duration.ofHours(1)),
                Arguments.of("2d", Duration.ofDays(2)),
                Arguments.of("0.5d", Duration.ofHours(12)),
                Arguments.of("007s", Duration.ofSeconds(7)));
    }

    @ParameterizedTest(name = "\"{0}\" is {1}")
    @MethodSource("valid")
    void parses(String text, Duration expected) {
        assertEquals(expected, DurationParser.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @ValueSource(strings = {"", "20", "ms", "1 s", " 1s", "-1s", "+1s", "1.s", ".5s", "1S", "1sec", "250us", "1h30m",
            "1e3ms", "1,5s", "9999999999999999d"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationParser.parse(text));
        assertEquals("expected a duration such as 20ms, 5s, 1h", e.getMessage());
    }
}
