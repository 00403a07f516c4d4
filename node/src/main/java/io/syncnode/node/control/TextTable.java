package io.syncnode.node.control;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned plain-text table: columns separated by two spaces, numbers right-aligned, no trailing
 * blanks (the CLI's tables, and {@link StatusText}). Control characters in cells (a newline in a file name) are shown escaped so that one
 * row stays one line.
 */
public final class TextTable {
    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<String[]> rows = new ArrayList<>();

    /** Adds a left-aligned column. */
    public TextTable left(String header) {
        headers.add(header);
        rightAligned.add(false);
        return this;
    }

    /** Adds a right-aligned column (counts). */
    public TextTable right(String header) {
        headers.add(header);
        rightAligned.add(true);
        return this;
    }

    /** Adds a row; {@code null} cells show as "-". */
    public TextTable row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size());
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : escape(String.valueOf(cells[i]));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header line and the rows, each line starting with {@code indent}. */
    public void print(PrintStream out, String indent, boolean withHeader) {
        int[] widths = new int[headers.size()];
        List<String[]> lines = new ArrayList<>();
        if (withHeader) {
            lines.add(headers.toArray(String[]::new));
        }
        lines.addAll(rows);
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder(indent);
            for (int i = 0; i < line.length; i++) {
                if (i > 0) {
                    text.append("  ");
                }
                String pad = " ".repeat(widths[i] - line[i].length());
                text.append(rightAligned.get(i) ? pad + line[i] : line[i] + pad);
            }
            out.println(text.toString().stripTrailing());
        }
    }

    private static String escape(String cell) {
        StringBuilder text = new StringBuilder(cell.length());
        for (int i = 0; i < cell.length(); i++) {
            char c = cell.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                text.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\t' -> "\\t";
                    case '\r' -> "\\r";
                    default -> String.format("\\x%02x", (int) c);
                });
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }
}
