package io.syncnode.node.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations as the CLI and the config file write them: a whole number and a unit, such
 * as {@code 500ms}, {@code 60s}, {@code 2m}, {@code 1h}; several may follow each other
 * ({@code 1m30s}).
 */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        Duration result = parse(value);
        if (result == null) {
            throw new TypeConversionException("'" + value + "' is not a duration; write it like 500ms, 60s, 2m or 1h");
        }
        return result;
    }

    /** The duration {@code value} stands for, or null when it is not one. */
    static Duration parse(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        Matcher matcher = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (matcher.find() && matcher.start() == end) {
            long amount = Long.parseLong(matcher.group(1));
            total = total.plus(switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
            end = matcher.end();
        }
        return end == value.length() ? total : null;
    }

    /** {@code d} written the way {@link #parse} reads it, shortest form: 500ms, 60s, 2m, 1m30s. */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder();
        long millis = d.toMillis();
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long rest = millis % 1000;
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (minutes > 0) {
            text.append(minutes).append('m');
        }
        if (seconds > 0) {
            text.append(seconds).append('s');
        }
        if (rest > 0) {
            text.append(rest).append("ms");
        }
        return text.toString();
    }
}
