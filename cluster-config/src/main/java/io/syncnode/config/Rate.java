package io.syncnode.config;

/**
 * {@code [cluster] max-send} and {@code max-receive}: a bandwidth cap for file content, as
 * {@code "20MB/s"}, {@code "512 KiB/s"} or {@code "2500000"} (bytes per second); units as for
 * sizes (B, KB/MB/GB powers of 1000, KiB/MiB/GiB powers of 1024), with or without {@code /s}.
 *
 * @param bytesPerSecond the cap, at least {@value #MIN}
 */
public record Rate(long bytesPerSecond) {
    /**
     * The smallest cap: at 1 MB/s, the 256 KiB chunks of a seed's many transfers at once still each
     * pass within the 30 s a source waits for credit (PROTOCOL.md 5.5).
     */
    public static final long MIN = 1_000_000;

    public Rate {
        if (bytesPerSecond < MIN) {
            throw new IllegalArgumentException(bytesPerSecond + " bytes/s is below the smallest cap, 1MB/s");
        }
    }

    /**
     * Reads a rate.
     *
     * @throws IllegalArgumentException with an operator-readable reason
     */
    public static Rate parse(String text) {
        String t = text.strip();
        String size = t.endsWith("/s") ? t.substring(0, t.length() - 2) : t;
        Long bytes = MinFree.size(size);
        if (bytes == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not a rate (e.g. 20MB/s, 512KiB/s)");
        }
        if (bytes < MIN) {
            throw new IllegalArgumentException("\"" + text + "\" is below the smallest cap, 1MB/s");
        }
        return new Rate(bytes);
    }

    @Override
    public String toString() {
        return bytesPerSecond + " bytes/s";
    }
}
