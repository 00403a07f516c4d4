package io.syncnode.config.csync2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.config.csync2.Csync2Config.Group;
import io.syncnode.config.csync2.Csync2Config.Host;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** csync2's grammar: what it reads, and bad input refused with the line and the reason. */
class Csync2ParserTest {
    private static final Path CFG = Path.of("/etc/csync2.cfg");

    /** Parses {@code files}: the first is the main file (/etc/csync2.cfg), others are includable by name. */
    private static Csync2Config parse(String main, Map<String, String> others) throws Csync2Exception {
        return Csync2Parser.parse(CFG, file -> {
            if (file.equals(CFG)) {
                return main;
            }
            String text = others.get(file.toString());
            if (text == null) {
                throw new NoSuchFileException(file.toString());
            }
            return text;
        });
    }

    private static Csync2Config parse(String main) throws Csync2Exception {
        return parse(main, Map.of());
    }

    @Test
    void hostsSlavesAddressesAndCase() throws Exception {
        Group g = parse("group g { host A b@10.0.0.2 (c d@D-eth1) e; key k; }").groups().get(0);
        assertEquals(List.of(new Host("a", null, false, g.where()), new Host("b", "10.0.0.2", false, g.where()),
                new Host("c", null, true, g.where()), new Host("d", "d-eth1", true, g.where()),
                new Host("e", null, false, g.where())), g.hosts());
    }

    @Test
    void patternsKeepTheirOrderAndLoseTrailingSlashes() throws Exception {
        Group g = parse("""
                group g {
                  include /etc/a/ "/srv/with space";   # a comment
                  exclude *~;
                  include /;
                }""").groups().get(0);
        assertEquals(List.of("include /etc/a", "include /srv/with space", "exclude *~", "include /"),
                g.patterns().stream().map(Object::toString).toList());
        assertEquals(List.of(2, 2, 3, 4), g.patterns().stream().map(p -> p.where().line()).toList());
    }

    @Test
    void actionsPrefixesSettingsAndUnnamedGroups() throws Exception {
        Csync2Config c = parse("""
                nossl * *; lock-timeout 30; ignore uid mod;
                prefix p { on host[12]: /a/; on *: /b; }
                group { host x; action { pattern /a /b; exec "cmd one" "cmd two"; logfile "/l"; do-local-only; } }
                group { host y; action { do-local; } ; }
                """);
        assertEquals(List.of("group_1", "group_2"), c.groups().stream().map(Group::name).toList());
        Csync2Config.Action a = c.groups().get(0).actions().get(0);
        assertEquals(List.of("/a", "/b"), a.patterns());
        assertEquals(List.of("cmd one", "cmd two"), a.execs());
        assertEquals("/l", a.logfile());
        assertTrue(a.doLocal() && a.doLocalOnly());
        assertTrue(c.groups().get(1).actions().get(0).doLocal());
        assertEquals("host[12]", c.prefixes().get(0).entries().get(0).hostPattern());
        assertEquals("/a", c.prefixes().get(0).entries().get(0).path());
        assertEquals(List.of("nossl * *", "lock-timeout 30", "ignore uid mod"),
                c.settings().stream().map(Object::toString).toList());
    }

    @Test
    void configIncludesAreReadInPlaceRelativeToTheIncludingFile() throws Exception {
        Csync2Config c = parse("group a { host x; }\nconfig more.cfg;\ngroup c { host x; }",
                Map.of("/etc/more.cfg", "\n\ngroup b { host x; }"));
        assertEquals(List.of("a", "b", "c"), c.groups().stream().map(Group::name).toList());
        assertEquals(Path.of("/etc/more.cfg"), c.groups().get(1).where().file());
        assertEquals(3, c.groups().get(1).where().line());
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("unknown keyword at the top", "group g { host a; }\n\nfrobnicate yes;", 3,
                        "unknown statement 'frobnicate' at the top level; expected group, prefix"),
                Arguments.of("unknown keyword in a group", "group g {\n host a;\n  mirror /x;\n}", 3,
                        "unknown statement 'mirror' in group g; expected host, include"),
                Arguments.of("unknown keyword in an action", "group g {\n action {\n  run /x;\n }\n}", 3,
                        "unknown statement 'run' in action"),
                Arguments.of("missing ';' before a keyword", "group g {\n host a b\n key /k;\n}", 3,
                        "expected a host name, found 'key' (a keyword: is a ';' missing before it?)"),
                Arguments.of("include without ';' at the end", "group g {\n include /a\n}", 2,
                        "include is not ended by ';' (found '}' on line 3)"),
                Arguments.of("group never closed", "\ngroup g {\n host a;\n", 2,
                        "group g is never closed (missing '}')"),
                Arguments.of("string never closed", "group g {\n action {\n  exec \"/bin/x;\n }\n}", 3,
                        "a string opened here is never closed"),
                Arguments.of("unknown auto method", "group g {\n host a;\n auto newest;\n}", 3,
                        "unknown auto method 'newest'; csync2 knows none, first, younger"),
                Arguments.of("two auto settings", "group g {\n auto left;\n auto right;\n}", 3,
                        "a group may have only one auto (the first is on line 2)"),
                Arguments.of("two keys", "group g {\n key /a;\n\n key /b;\n}", 4,
                        "a group may have only one key (the first is on line 2)"),
                Arguments.of("unknown ignore property", "ignore uid size;", 1,
                        "ignore: unknown property 'size'; csync2 knows uid, gid and mod"),
                Arguments.of("relative prefix path", "prefix p {\n on *: home;\n}", 2,
                        "prefix p: 'home' is not an absolute path"),
                Arguments.of("prefix without on", "prefix p {\n at *: /home;\n}", 2,
                        "expected 'on HOSTPATTERN: /path;' in prefix p, found 'at'"),
                Arguments.of("unbalanced parenthesis", "group g {\n host a (b;\n}", 2,
                        "'(' without ')' in the host statement"),
                Arguments.of("missing include file", "\nconfig missing.cfg;", 2,
                        "config /etc/missing.cfg: file not found"),
                Arguments.of("value where a brace belongs", "group g host a;", 1, "expected '{' after group g"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputNamesTheLineAndWhy(String name, String text, int line, String reason) {
        Csync2Exception e = assertThrows(Csync2Exception.class, () -> parse(text));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(CFG + ":" + line + ": " + reason), e.getMessage());
    }

    @Test
    void includesNestedTooDeeplyAreRefused() {
        Csync2Exception e = assertThrows(Csync2Exception.class, () -> parse("config loop.cfg;",
                Map.of("/etc/loop.cfg", "config loop.cfg;")));
        assertEquals(Path.of("/etc/loop.cfg"), e.file());
        assertTrue(e.getMessage().contains("config includes nested too deeply"), e.getMessage());
    }

    @Test
    void anUnreadableFileIsOneProblemWithoutLine() {
        Csync2Exception e = assertThrows(Csync2Exception.class, () -> Csync2Parser.parse(CFG, f -> {
            throw new IOException("Input/output error");
        }));
        assertEquals("/etc/csync2.cfg: cannot read: Input/output error", e.getMessage());
    }
}
