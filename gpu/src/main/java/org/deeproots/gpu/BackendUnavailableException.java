package org.deeproots.gpu;

/** A backend cannot be opened on this machine; {@link #getMessage()} says why (no driver, no device, ...). */
public final class BackendUnavailableException extends GpuException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
