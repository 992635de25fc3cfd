package org.deeproots.gpu;

/**
 * A buffer of {@link #elements()} 4-byte values (float, or int for argmax and labels) that lives on a
 * {@link Backend}'s device. Host copies go only through {@link Backend#upload} and {@link Backend#download}, which
 * count them. Closing frees the device memory; a closed buffer must not be used again.
 */
public interface DeviceBuffer extends AutoCloseable {

    /** Number of 4-byte elements. */
    int elements();

    /** The backend that owns this buffer. */
    Backend backend();

    /** Frees the device memory (idempotent). */
    @Override
    void close();
}
