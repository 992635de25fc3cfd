package org.deeproots.gpu;

/**
 * Host/device traffic of a backend since it was opened: copies and bytes in each direction, and kernel launches.
 *
 * @param uploads       host-to-device copies
 * @param uploadBytes   bytes copied host-to-device
 * @param downloads     device-to-host copies
 * @param downloadBytes bytes copied device-to-host
 * @param launches      kernel launches (0 for the CPU backend)
 */
public record TransferStats(long uploads, long uploadBytes, long downloads, long downloadBytes, long launches) {

    /** Traffic between {@code earlier} and this snapshot. */
    public TransferStats minus(TransferStats earlier) {
        return new TransferStats(uploads - earlier.uploads, uploadBytes - earlier.uploadBytes,
                downloads - earlier.downloads, downloadBytes - earlier.downloadBytes, launches - earlier.launches);
    }
}
