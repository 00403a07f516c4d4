package io.syncnode.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTableTest {
    private static String print(TextTable table, String indent, boolean header) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), indent, header);
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void alignsColumnsAndRightAlignsCounts() {
        TextTable table = new TextTable().left("NAME").right("DIRTY").left("LAST SEEN")
                .row("beta", 3, "2026-11-21T10:00:00Z")
                .row("gamma-long", 1200, null);
        assertEquals("""
                NAME        DIRTY  LAST SEEN
                beta            3  2026-11-21T10:00:00Z
                gamma-long   1200  -
                """, print(table, "", true));
    }

    @Test
    void controlCharactersInCellsStayOnOneLine() {
        TextTable table = new TextTable().left("PATH").row("a\nb\tc\u0001");
        assertEquals("  a\\nb\\tc\\x01\n", print(table, "  ", false));
    }
}
