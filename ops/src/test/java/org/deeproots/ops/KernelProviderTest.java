package org.deeproots.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeproots.ops.spi.Kernels;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

    @Test
    void choiceFollowsTheProperty() {
        Kernels k = KernelProvider.kernels();
        assertSame(k, KernelProvider.kernels(), "chosen once");
        String prop = System.getProperty(KernelProvider.BIT_SIZE_PROPERTY);
        if ("0".equals(prop)) {
            assertEquals("scalar", k.name());
        } else if (prop != null && KernelProvider.vectorBitSize() != 0) {
            assertEquals("vector-" + prop, k.name());
        } else if (KernelProvider.vectorBitSize() != 0) {
            assertEquals("vector-" + KernelProvider.vectorBitSize(), k.name());
        } else {
            assertEquals("scalar", k.name());
        }
    }

    @Test
    void vectorModuleIsOnTheTestPath() {
        // surefire runs with --add-modules jdk.incubator.vector (parent pom); the vector path must be tested
        assertTrue(KernelProvider.vectorModulePresent());
        assertTrue(KernelProvider.vectorBitSize() >= 128, "bits=" + KernelProvider.vectorBitSize());
        assertEquals("vector-" + KernelProvider.vectorBitSize(),
                KernelProvider.vector(KernelProvider.vectorBitSize()).name());
    }

    @Test
    void otherWidthIsRefusedWithReason() {
        int other = KernelProvider.vectorBitSize() == 128 ? 256 : 128;
        var e = assertThrows(UnsupportedOperationException.class, () -> KernelProvider.vector(other));
        assertTrue(e.getMessage().contains("fixed at"), e.getMessage());
    }

    @Test
    void invalidPropertyValuesAreRejected() {
        assertEquals(-1, KernelProvider.requestedBitSize(null));
        assertEquals(0, KernelProvider.requestedBitSize("0"));
        assertEquals(256, KernelProvider.requestedBitSize(" 256 "));
        var e = assertThrows(IllegalArgumentException.class, () -> KernelProvider.requestedBitSize("265"));
        assertTrue(e.getMessage().contains("deeproots.vectorBitSize") && e.getMessage().contains("265"));
        assertThrows(IllegalArgumentException.class, () -> KernelProvider.requestedBitSize("wide"));
    }

    @Test
    void scalarIsTheReference() {
        assertEquals("scalar", KernelProvider.scalar().name());
    }
}
