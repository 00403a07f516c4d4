package io.syncnode.node.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeviceNumberTest {
    /** rdev values as glibc's makedev computes them (checked against Python's os.makedev). */
    @ParameterizedTest(name = "{0}:{1} <-> {2}")
    @CsvSource({
        "0, 0, 0",
        "1, 3, 259",             // /dev/null
        "8, 0, 2048",            // /dev/sda
        "8, 17, 2065",           // /dev/sdb1
        "259, 0, 66304",         // /dev/nvme0n1 (major above 255)
        "259, 65536, 268501760", // minor above 0xff: bits 8.. go to bits 20..
        "4095, 1048575, 4294967295",     // largest "old" 12:20 values fill the low 32 bits
        "4096, 0, 17592186044416",       // major bit 12 lands in bit 44
        "4294967295, 4294967295, -1",    // all 32+32 bits set: every dev_t bit used once
    })
    void splitsAndJoinsLikeGlibc(long major, long minor, long rdev) {
        assertEquals(rdev, DeviceNumber.makedev((int) major, (int) minor));
        assertEquals(major, Integer.toUnsignedLong(DeviceNumber.major(rdev)));
        assertEquals(minor, Integer.toUnsignedLong(DeviceNumber.minor(rdev)));
    }
}
