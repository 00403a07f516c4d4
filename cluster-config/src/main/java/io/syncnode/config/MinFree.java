package io.syncnode.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code [[folder]] min-free}: the space a node keeps free on a folder's file system; it never
 * starts writing a fetched file that would eat into it. Either a size ({@code "512MiB"},
 * {@code "2GB"}, {@code "0"}) or a share of the file system ({@code "1%"}).
 *
 * @param bytes   the reserve in bytes, when given as a size (else 0)
 * @param percent the reserve in hundredths of a percent of the file system's size, when given as
 *                a share (else 0): {@code "1.5%"} is 150
 */
public record MinFree(long bytes, int percent) {
    /** The default: one percent of the file system. */
    public static final MinFree DEFAULT = new MinFree(0, 100);
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SHARE = Pattern.compile("(\\d+(?:\\.\\d{1,2})?)\\s*%");

    /** The reserve in bytes on a file system of {@code totalBytes}. */
    public long reserveOf(long totalBytes) {
        return percent > 0 ? (long) (totalBytes / 10_000.0 * percent) : bytes;
    }

    /**
     * Reads {@code "1%"}, {@code "0.5%"} (up to 50 %), {@code "512MiB"}, {@code "2 GB"}, {@code "1048576"}
     * (bytes); units B, KB/MB/GB/TB (powers of 1000) and KiB/MiB/GiB/TiB (powers of 1024).
     *
     * @throws IllegalArgumentException with an operator-readable reason
     */
    public static MinFree parse(String text) {
        String t = text.strip();
        Matcher share = SHARE.matcher(t);
        if (share.matches()) {
            double p = Double.parseDouble(share.group(1));
            if (p > 50) {
                throw new IllegalArgumentException("\"" + text + "\": at most 50%");
            }
            return new MinFree(0, (int) Math.round(p * 100));
        }
        Matcher size = SIZE.matcher(t);
        if (!size.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is neither a size (e.g. 512MiB, 2GB) nor a share (e.g. 1%)");
        }
        return new MinFree(sizeBytes(text, size), 0);
    }

    /**
     * A size in bytes: {@code "512MiB"}, {@code "2 GB"}, {@code "1048576"}; null when {@code text} is
     * no size (the caller says what it wanted).
     *
     * @throws IllegalArgumentException for a size too large
     */
    static Long size(String text) {
        Matcher size = SIZE.matcher(text.strip());
        return size.matches() ? sizeBytes(text, size) : null;
    }

    private static long sizeBytes(String text, Matcher size) {
        double n = Double.parseDouble(size.group(1));
        String unit = size.group(2) == null ? "b" : size.group(2).toLowerCase(Locale.ROOT);
        double factor = switch (unit) {
            case "b" -> 1;
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> 1L << 40;
        };
        double bytes = n * factor;
        if (bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
        return (long) bytes;
    }

    @Override
    public String toString() {
        return percent > 0 ? (percent / 100.0) + "%" : bytes + " bytes";
    }
}
