package org.deeproots.reproduce.figures;

/**
 * One scatter series: points with optional per-point labels (e.g. {@code 8} for root-8) and error bars.
 *
 * @param name      legend name
 * @param x         x values
 * @param y         y values (same length)
 * @param labels    per-point text drawn beside the point, or null
 * @param errorBars per-point +- error, or null
 * @param line      join the points with a line (in x order given)
 */
public record Series(String name, double[] x, double[] y, String[] labels, double[] errorBars, boolean line) {
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length
                    + " y values");
        }
        if (labels != null && labels.length != x.length) {
            throw new IllegalArgumentException("series " + name + ": " + labels.length + " labels for " + x.length
                    + " points");
        }
        if (errorBars != null && errorBars.length != x.length) {
            throw new IllegalArgumentException("series " + name + ": " + errorBars.length + " error bars for "
                    + x.length + " points");
        }
        x = x.clone();
        y = y.clone();
    }

    public static Series points(String name, double[] x, double[] y, String[] labels) {
        return new Series(name, x, y, labels, null, false);
    }

    public int size() {
        return x.length;
    }
}
