package org.deeproots.reproduce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void rendersRateLossAccuracyAndEta() {
        String s = ProgressBar.render("epoch 1/2", 250, 1000, 0.5, 0.8, 10);
        assertTrue(s.contains(" 25% 250/1000 25 img/s loss 0.5000 acc 80.00% ETA 0:30"), s);
        assertTrue(ProgressBar.render("e", 1000, 1000, 0.1, 0.9, 3725).contains("took 1:02:05"));
    }

    @Test
    void logModePrintsEveryIntervalAndRestartsWithEachEpoch() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(buf, true), false, 30);
        bar.update("epoch 1/2", 10, 100, 1, 0.1, 1);   // printed (first)
        bar.update("epoch 1/2", 20, 100, 1, 0.1, 20);  // too soon
        bar.update("epoch 1/2", 30, 100, 1, 0.1, 40);  // printed
        bar.update("epoch 1/2", 100, 100, 1, 0.1, 90); // printed (last)
        bar.update("epoch 2/2", 10, 100, 1, 0.1, 2);   // new epoch: printed although its clock restarted
        assertEquals(4, buf.toString().lines().count(), buf.toString());
    }
}
