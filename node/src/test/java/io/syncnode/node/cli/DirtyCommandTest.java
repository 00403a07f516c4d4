package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cli.TestConfigs.Run;
import io.syncnode.node.control.ControlServer;
import io.syncnode.node.control.DirtyView;
import io.syncnode.node.control.FakeControlHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code syncnode dirty --limit/--after}: pages, the rest's count, the JSON shapes, over a real control socket. */
class DirtyCommandTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    Path dir;
    SyncnodeConfig config;
    String configFile;
    FakeControlHandler handler;
    ControlServer server;

    @BeforeEach
    void start() throws IOException {
        config = TestConfigs.alpha(dir);
        configFile = config.file().toString();
        handler = new FakeControlHandler();
        List<DirtyView> dirty = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            dirty.add(new DirtyView("ct101", String.format("f%04d", i), "beta", "2026-11-21T10:00:00Z"));
        }
        dirty.add(new DirtyView("etc", "it's", "beta", "2026-11-21T10:00:00Z"));
        handler.dirty = dirty;
        server = new ControlServer(config.controlSocket(), handler);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Run cli(String... args) {
        return TestConfigs.run((out, err) -> new Invocation(out, err, file -> config, c -> {
            throw new AssertionError("not started here");
        }, action -> { }), args);
    }

    @Test
    void theTableShowsOnePageThenTheRestAndTheNextPosition() {
        Run run = cli("dirty", "-c", configFile, "--limit", "2");
        assertEquals(0, run.code(), run.err());
        assertEquals(String.join(NL,
                "FOLDER  PATH   PEER  SINCE",
                "ct101   f0000  beta  2026-11-21T10:00:00Z",
                "ct101   f0001  beta  2026-11-21T10:00:00Z",
                "... 2,499 more (2,501 in all); next page: --after 'ct101/f0001'",
                ""), run.out());
        Run next = cli("dirty", "-c", configFile, "--limit", "2", "--after", "ct101/f2498");
        assertEquals(String.join(NL,
                "FOLDER  PATH   PEER  SINCE",
                "ct101   f2499  beta  2026-11-21T10:00:00Z",
                "etc     it's   beta  2026-11-21T10:00:00Z",
                ""), next.out(), "the last page has no next position");
        assertEquals(List.of("dirtyPage null null 2", "dirtyPage null ct101/f2498 2"), handler.calls);
    }

    @Test
    void withoutLimitTheTableStopsAtAThousandAndQuotesTheNextPositionForTheShell() {
        Run run = cli("dirty", "-c", configFile);
        assertEquals(1000 + 2, run.out().split(NL).length, "header, 1000 rows, the rest line");
        assertTrue(run.out().endsWith("... 1,501 more (2,501 in all); next page: --after 'ct101/f0999'" + NL), run.out());
        assertEquals("'it'\\''s'", DirtyCommand.shellQuoted("it's"));
    }

    @Test
    void jsonWithLimitIsOnePageObject() throws IOException {
        Run run = cli("dirty", "-c", configFile, "--folder", "ct101", "--limit", "3", "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode page = new ObjectMapper().readTree(run.out());
        assertEquals(List.of("entries", "total", "more", "next"), fields(page));
        assertEquals(3, page.get("entries").size());
        assertEquals("{\"folder\":\"ct101\",\"path\":\"f0000\",\"peer\":\"beta\",\"since\":\"2026-11-21T10:00:00Z\"}",
                page.get("entries").get(0).toString());
        assertEquals(2500, page.get("total").asLong(), "the folder's entries only");
        assertEquals(2497, page.get("more").asLong());
        assertEquals("ct101/f0002", page.get("next").asText());
    }

    @Test
    void jsonAloneIsStillTheWholeArrayAskedForAPageAtATime() throws IOException {
        Run run = cli("dirty", "-c", configFile, "--json");
        assertEquals(0, run.code(), run.err());
        JsonNode all = new ObjectMapper().readTree(run.out());
        assertTrue(all.isArray());
        assertEquals(2501, all.size());
        assertEquals("it's", all.get(2500).get("path").asText());
        assertEquals(List.of("dirtyPage null null 1000", "dirtyPage null ct101/f0999 1000",
                "dirtyPage null ct101/f1999 1000"), handler.calls);
    }

    @Test
    void badPagingOptionsAreUsageErrorsNamingWhatIsWrong() {
        Run negative = cli("dirty", "-c", configFile, "--limit", "-1");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--limit must be 0 (all) or more, not -1"), negative.err());
        Run noFolder = cli("dirty", "-c", configFile, "--after", "f0001");
        assertEquals(2, noFolder.code());
        assertTrue(noFolder.err().contains("--after 'f0001' is not a position FOLDER/PATH"), noFolder.err());
        Run otherFolder = cli("dirty", "-c", configFile, "--folder", "etc", "--after", "ct101/f0001");
        assertEquals(2, otherFolder.code());
        assertTrue(otherFolder.err().contains("is not in --folder etc"), otherFolder.err());
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void aNodeThatAnswersTheOldArrayGivesOneLastPage() throws IOException {
        JsonNode old = new ObjectMapper().readTree("[{\"folder\":\"ct101\",\"path\":\"a\",\"peer\":\"beta\","
                + "\"since\":\"2026-11-21T10:00:00Z\"}]");
        JsonNode page = DirtyCommand.pageOf(old);
        assertEquals("{\"entries\":[{\"folder\":\"ct101\",\"path\":\"a\",\"peer\":\"beta\","
                + "\"since\":\"2026-11-21T10:00:00Z\"}],\"total\":1,\"more\":0,\"next\":null}", page.toString());
    }

    @Test
    void helpAndCompletionOfferThePagingOptions() {
        Run help = cli("dirty", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("--limit=N") && help.out().contains("--after=FOLDER/PATH"), help.out());
        String script = CompletionScript.script();
        int dirty = script.indexOf("function _picocli_syncnode_dirty()");
        assertTrue(dirty >= 0, "bash completion has the dirty verb");
        String body = script.substring(dirty, script.indexOf("\n}", dirty));
        assertTrue(body.contains("--limit") && body.contains("--after"), body);
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
