package org.deeproots.reproduce.sweep;

import java.nio.file.Path;

/**
 * A finished sweep run.
 *
 * @param run          which run
 * @param testAccuracy test accuracy after the last epoch, fraction
 * @param epochs       epochs in its metrics file
 * @param seconds      training time from its metrics file (NaN when absent)
 * @param checkpoint   its checkpoint, or null when none was found
 * @param resumed      true when it was finished before this sweep started (not retrained)
 */
public record RunResult(SweepRun run, double testAccuracy, int epochs, double seconds, Path checkpoint,
        boolean resumed) {
}
