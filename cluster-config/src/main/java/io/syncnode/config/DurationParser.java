package io.syncnode.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations of the configuration file: a non-negative integer or decimal number
 * followed by one unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 * (e.g. {@code "20ms"}, {@code "1.5s"}, {@code "1h"}). No spaces, no sign, no unitless numbers;
 * fractions below a nanosecond are dropped.
 */
final class DurationParser {
    static final String EXPECTED = "expected a duration such as 20ms, 5s, 1h";

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,9})?)(ms|s|m|h|d)");
    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ms", BigDecimal.valueOf(1_000_000L),
            "s", BigDecimal.valueOf(1_000_000_000L),
            "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L),
            "d", BigDecimal.valueOf(86_400_000_000_000L));
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private DurationParser() {
    }

    /** @throws IllegalArgumentException with {@link #EXPECTED} as message when {@code text} is not a duration */
    static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(EXPECTED);
        }
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(NANOS_PER_UNIT.get(m.group(2)));
        BigDecimal[] secondsAndNanos = nanos.divideAndRemainder(NANOS_PER_SECOND);
        return Duration.ofSeconds(secondsAndNanos[0].longValueExact(), secondsAndNanos[1].longValue());
    }
}
