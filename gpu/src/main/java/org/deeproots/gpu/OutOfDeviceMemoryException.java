package org.deeproots.gpu;

/** The device could not allocate a buffer (or the resources for a launch): the network or batch is too large. */
public final class OutOfDeviceMemoryException extends GpuException {
    private static final long serialVersionUID = 1L;

    public OutOfDeviceMemoryException(String message) {
        super(message);
    }
}
