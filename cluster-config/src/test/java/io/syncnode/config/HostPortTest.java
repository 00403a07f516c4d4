package io.syncnode.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HostPortTest {
    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("10.0.0.1:7800", "10.0.0.1", 7800, "10.0.0.1:7800"),
                Arguments.of("10.0.0.1", "10.0.0.1", 7800, "10.0.0.1:7800"),
                Arguments.of("127.0.0.1:1", "127.0.0.1", 1, "127.0.0.1:1"),
                Arguments.of("255.255.255.255:65535", "255.255.255.255", 65535, "255.255.255.255:65535"),
                Arguments.of("node-a", "node-a", 7800, "node-a:7800"),
                Arguments.of("node-a.example.com:9000", "node-a.example.com", 9000, "node-a.example.com:9000"),
                Arguments.of("[::1]:7801", "::1", 7801, "[::1]:7801"),
                Arguments.of("[fd00::2]", "fd00::2", 7800, "[fd00::2]:7800"));
    }

    @ParameterizedTest(name = "\"{0}\" is {3}")
    @MethodSource("valid")
    void parses(String text, String host, int port, String printed) {
        HostPort hp = HostPort.parse(text, 7800);
        assertEquals(new HostPort(host, port), hp);
        assertEquals(printed, hp.toString());
    }

    @ParameterizedTest(name = "\"{0}\" is rejected: {1}")
    @CsvSource(delimiter = '|', value = {
            "''               | expected address[:port]",
            ":7800            | expected address[:port]",
            "10.0.0.1:        | from 1 to 65535",
            "10.0.0.1:0       | from 1 to 65535",
            "10.0.0.1:65536   | from 1 to 65535",
            "10.0.0.1:123456  | from 1 to 65535",
            "10.0.0.1:-1      | from 1 to 65535",
            "256.0.0.1        | not a valid IPv4 address",
            "1.2.3            | not a valid IPv4 address",
            "a_b              | not an IP address or host name",
            "-a               | not an IP address or host name",
            "a..b             | not an IP address or host name",
            "::1              | IPv6 addresses go in brackets",
            "[::1             | without ']'",
            "[::1]7800        | expected ':port'",
            "[]:7800          | not a valid IPv6 address",
            "[1.2.3.4]:7800   | not a valid IPv6 address",
            "[fe80::1::2]     | not a valid IPv6 address"})
    void rejects(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text, 7800));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\" multicast={1}")
    @CsvSource({"239.77.0.1,true", "224.0.0.0,true", "239.255.255.255,true", "223.255.255.255,false",
            "240.0.0.1,false", "10.0.0.1,false", "mcast.example.com,false", "ff02::1,false"})
    void knowsIpv4Multicast(String host, boolean multicast) {
        assertEquals(multicast, new HostPort(host, 1).isIpv4Multicast());
    }

    @ParameterizedTest(name = "\"{0}\" loopback={1}")
    @CsvSource({"127.0.0.1,true", "127.0.0.5,true", "127.255.255.255,true", "::1,true", "0:0:0:0:0:0:0:1,true",
            "::0:1,true", "0000::0001,true", "localhost,true", "LOCALHOST,true", "LocalHost,true",
            "126.255.255.255,false", "128.0.0.1,false", "10.0.0.1,false", "0.0.0.0,false", "::,false", "::2,false",
            "fd00::1,false", "::ffff:127.0.0.1,false", "1::1,false", "localhost.localdomain,false",
            "localhost6,false", "my-localhost,false", "node-a.example.com,false", "loopback,false"})
    void knowsLoopback(String host, boolean loopback) {
        assertEquals(loopback, new HostPort(host, 1).isLoopback());
    }
}
