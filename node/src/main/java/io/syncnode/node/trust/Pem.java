package io.syncnode.node.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * PEM text (RFC 7468): {@code -----BEGIN TYPE-----}, base64 in lines of 64, {@code -----END TYPE-----}.
 * Text outside the blocks (comments, blank lines, as in many CA bundles) is ignored; a block that
 * is not closed or not base64 is an error.
 */
final class Pem {
    static final String CERTIFICATE = "CERTIFICATE";
    static final String PRIVATE_KEY = "PRIVATE KEY";

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    /** One block: its type label and its decoded bytes. */
    record Block(String type, byte[] der) {
    }

    private Pem() {
    }

    /** One block as text, ending in a newline. */
    static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return BEGIN + type + DASHES + "\n" + body + "\n" + END + type + DASHES + "\n";
    }

    /**
     * Every block in {@code text}, in order.
     *
     * @throws IllegalArgumentException naming the line of a block that is not closed or not base64
     */
    static List<Block> decode(String text) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        String type = null;
        int started = 0;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (type == null) {
                if (line.startsWith(BEGIN) && line.endsWith(DASHES) && line.length() > BEGIN.length() + DASHES.length()) {
                    type = line.substring(BEGIN.length(), line.length() - DASHES.length());
                    started = i + 1;
                    body.setLength(0);
                }
                continue;
            }
            if (line.equals(END + type + DASHES)) {
                try {
                    blocks.add(new Block(type, Base64.getDecoder().decode(body.toString())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the " + type + " block at line " + started
                            + " is not valid base64 (" + e.getMessage() + ")", e);
                }
                type = null;
            } else if (line.startsWith(DASHES)) {
                throw new IllegalArgumentException("the " + type + " block at line " + started
                        + " ends with \"" + line + "\", not \"" + END + type + DASHES + "\"");
            } else if (!line.contains(":")) { // RFC 1421 headers ("Proc-Type: ...") are skipped
                body.append(line);
            }
        }
        if (type != null) {
            throw new IllegalArgumentException("the " + type + " block at line " + started + " has no END line");
        }
        return blocks;
    }

    /** The blocks of {@code type} in {@code text}. */
    static List<byte[]> decode(String text, String type) {
        List<byte[]> ders = new ArrayList<>();
        for (Block block : decode(text)) {
            if (block.type().equals(type)) {
                ders.add(block.der());
            }
        }
        return ders;
    }
}
