package org.deeproots.gpu;

/** A device backend failed: a driver call returned an error, a kernel did not build, or the device is missing. */
public class GpuException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public GpuException(String message) {
        super(message);
    }

    public GpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
