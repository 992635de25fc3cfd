package org.deeproots.reproduce.figures;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts through XChart (headless): scatter, grouped bars and heatmaps. Each method returns PNG bytes. */
public final class Plots {
    static final int WIDTH = 900;
    static final int HEIGHT = 600;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plots() {
    }

    /**
     * A scatter plot; series with no points are left out (a chart needs at least one non-empty series).
     *
     * @throws IllegalArgumentException when every series is empty
     */
    public static byte[] scatter(String title, String xTitle, String yTitle, List<Series> series, boolean logX,
            boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int added = 0;
        for (Series s : series) {
            if (s.size() == 0) {
                continue;
            }
            XYSeries xy = s.errorBars() == null ? chart.addSeries(s.name(), s.x(), s.y())
                    : chart.addSeries(s.name(), s.x(), s.y(), s.errorBars());
            if (s.line()) {
                xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                xy.setMarker(SeriesMarkers.NONE);
            }
            if (s.labels() != null) {
                for (int i = 0; i < s.size(); i++) {
                    if (s.labels()[i] != null && !s.labels()[i].isEmpty()) {
                        chart.addAnnotation(new AnnotationText(" " + s.labels()[i], s.x()[i], s.y()[i], false));
                    }
                }
            }
            added++;
        }
        if (added == 0) {
            throw new IllegalArgumentException("chart '" + title + "' has no points to plot");
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** Grouped bars: one bar per category and series (e.g. per layer, orig against root-64). */
    public static byte[] bars(String title, String yTitle, List<String> categories, List<String> seriesNames,
            List<double[]> values, boolean logY) throws IOException {
        if (seriesNames.size() != values.size()) {
            throw new IllegalArgumentException(seriesNames.size() + " series names for " + values.size()
                    + " value arrays");
        }
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(WIDTH, 14 * categories.size() + 200))
                .height(HEIGHT).title(title).yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 9));
        for (int s = 0; s < seriesNames.size(); s++) {
            double[] v = values.get(s);
            if (v.length != categories.size()) {
                throw new IllegalArgumentException("series " + seriesNames.get(s) + ": " + v.length + " values for "
                        + categories.size() + " categories");
            }
            List<Double> ys = new ArrayList<>(v.length);
            for (double d : v) {
                ys.add(d);
            }
            chart.addSeries(seriesNames.get(s), categories, ys);
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * A heatmap of a matrix (rows = y, columns = x) on a fixed colour range [min, max].
     *
     * @param matrix (rows, cols) values
     */
    public static byte[] heatmap(String title, String xTitle, String yTitle, double[][] matrix, double min,
            double max) throws IOException {
        int rows = matrix.length;
        if (rows == 0 || matrix[0].length == 0) {
            throw new IllegalArgumentException("heatmap '" + title + "' of an empty matrix");
        }
        int cols = matrix[0].length;
        List<Integer> xs = new ArrayList<>(cols);
        for (int j = 0; j < cols; j++) {
            xs.add(j);
        }
        List<Integer> ys = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ys.add(i);
        }
        List<Number[]> cells = new ArrayList<>(rows * cols);
        for (int i = 0; i < rows; i++) {
            if (matrix[i].length != cols) {
                throw new IllegalArgumentException("heatmap '" + title + "': ragged matrix, row " + i + " has "
                        + matrix[i].length + " columns, row 0 has " + cols);
            }
            for (int j = 0; j < cols; j++) {
                // y axis grows upwards in XChart; flip rows so row 0 is at the top, like a matrix
                cells.add(new Number[] {j, rows - 1 - i, matrix[i][j]});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(760).height(700).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setDrawBorder(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisTicksVisible(false);
        chart.getStyler().setYAxisTicksVisible(false);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(255, 200, 0), new Color(200, 0, 0),
                Color.BLACK});
        chart.addSeries(title, xs, ys, cells);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
