package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.protocol.AcceptFilter;
import io.syncnode.protocol.FolderType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code [[folder]] type} and {@code [folder.accept]}: defaults, every value, and errors naming key and reason. */
class FolderTrustConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreSendReceiveAndAcceptEverything() throws Exception {
        FolderConfig f = load("").folders().get(0);
        assertEquals(FolderType.SEND_RECEIVE, f.type());
        assertEquals(AcceptFilter.ALL, f.accept());
        assertTrue(f.accept().acceptsAll());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"send-receive, SEND_RECEIVE", "send-only, SEND_ONLY", "receive-only, RECEIVE_ONLY"})
    void everyTypeLoads(String written, FolderType expected) throws Exception {
        assertEquals(expected, load("type = \"" + written + "\"\n").folders().get(0).type());
    }

    @Test
    void aLockedDownAcceptTableLoads() throws Exception {
        FolderConfig f = load("""
                type = "receive-only"

                [folder.accept]
                devices = false
                setuid = false
                owners = ["33", "100000-165535"]
                xattrs = ["user.*", "security.selinux"]
                """).folders().get(0);
        assertEquals(new AcceptFilter(false, false, List.of(new AcceptFilter.OwnerRange(33, 33),
                new AcceptFilter.OwnerRange(100000, 165535)), List.of("user.*", "security.selinux")), f.accept());
    }

    @Test
    void anEmptyXattrListAcceptsNoXattrAtAll() throws Exception {
        AcceptFilter a = load("accept = { xattrs = [] }\n").folders().get(0).accept();
        assertEquals(List.of(), a.xattrs());
        assertTrue(a.devices() && a.setuid() && a.owners() == null, "the other keys keep their defaults");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            type = "sendonly"                        | folder[0].type              | must be one of send-receive, send-only, receive-only
            type = 1                                 | folder[0].type              | expected a string
            accept = 1                               | folder[0].accept            | expected a table
            accept = { device = false }              | folder[0].accept.device     | unknown key; expected one of [devices, owners, setuid, xattrs]
            accept = { devices = "no" }              | folder[0].accept.devices    | expected true or false
            accept = { setuid = 0 }                  | folder[0].accept.setuid     | expected true or false
            accept = { owners = [] }                 | folder[0].accept.owners     | is empty, which would refuse every owner
            accept = { owners = "0-65535" }          | folder[0].accept.owners     | expected a list of strings
            accept = { owners = [0] }                | folder[0].accept.owners     | expected a list of strings
            accept = { owners = ["0-10", "www"] }    | folder[0].accept.owners[1]  | "www" is not an id range
            accept = { owners = ["10-1"] }           | folder[0].accept.owners[0]  | the first id is larger than the last
            accept = { owners = ["4294967295"] }     | folder[0].accept.owners[0]  | ids go up to 4294967294
            accept = { xattrs = ["*"] }              | folder[0].accept.xattrs[0]  | leave the key out to accept every name
            accept = { xattrs = ["user.*", "a*b"] }  | folder[0].accept.xattrs[1]  | * may only end a pattern
            accept = { xattrs = "user.*" }           | folder[0].accept.xattrs     | expected a list of strings
            """)
    void badValuesNameTheKeyAndWhy(String line, String key, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(line + "\n"));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.reason().contains(reason), e.getMessage());
        assertEquals(12, e.line(), "the line of the value: " + e.getMessage());
    }

    private SyncnodeConfig load(String folderLines) throws IOException, ConfigException {
        Path file = Files.createTempFile(dir, "syncnode", ".toml");
        Files.writeString(file, """
                [node]
                name = "alpha"
                state-dir = "/var/lib/syncnode"

                [cluster]
                name = "lxc-ha"
                bind = "127.0.0.1:7800"

                [[folder]]
                name = "www"
                path = "/srv/www"
                """ + folderLines);
        return ConfigLoader.load(file);
    }
}
