package org.deeproots.reproduce.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar for training: percentage, images/s, loss, accuracy and ETA. On a terminal it redraws
 * one line; otherwise (a log file under nohup) it prints a line every {@code logEvery} seconds.
 */
public final class ProgressBar {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final double logEverySeconds;
    private double lastPrint = -1e9;
    private String lastLine = "";
    private String lastLabel = "";

    public ProgressBar(PrintStream out, boolean terminal, double logEverySeconds) {
        this.out = out;
        this.terminal = terminal;
        this.logEverySeconds = logEverySeconds;
    }

    /** A bar on stderr that redraws when a console is attached. */
    public static ProgressBar stderr() {
        return new ProgressBar(System.err, System.console() != null, 30);
    }

    /** Updates the bar; prints only when due. */
    public void update(String label, int done, int total, double loss, double accuracy, double seconds) {
        boolean last = done >= total;
        if (!label.equals(lastLabel) || seconds < lastPrint) { // a new epoch restarts the clock
            lastLabel = label;
            lastPrint = -1e9;
        }
        if (!last && seconds - lastPrint < (terminal ? 0.25 : logEverySeconds)) {
            return;
        }
        lastPrint = seconds;
        String line = render(label, done, total, loss, accuracy, seconds);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLine.length() - line.length())));
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
        lastLine = line;
    }

    /** The bar's text, e.g. {@code epoch 1 [#####-----]  42% 25000/60000 310 img/s loss 0.4123 acc 85.10% ETA 1:52}. */
    static String render(String label, int done, int total, double loss, double accuracy, double seconds) {
        double frac = total == 0 ? 1 : done / (double) total;
        int filled = (int) Math.round(frac * WIDTH);
        double rate = seconds > 0 ? done / seconds : 0;
        double eta = rate > 0 ? (total - done) / rate : Double.NaN;
        return String.format(Locale.ROOT, "%s [%s%s] %3d%% %d/%d %.0f img/s loss %.4f acc %.2f%% %s %s", label,
                "#".repeat(filled), "-".repeat(WIDTH - filled), (int) (frac * 100), done, total, rate, loss,
                accuracy * 100, done >= total ? "took" : "ETA", time(done >= total ? seconds : eta));
    }

    static String time(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
