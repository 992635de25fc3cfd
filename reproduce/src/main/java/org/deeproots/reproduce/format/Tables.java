package org.deeproots.reproduce.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small table for command output: Markdown, CSV (RFC 4180 quoting) or aligned plain text, plus number formats
 * shared by the reports.
 *
 * <pre>{@code
 * Tables t = new Tables("variant", "params").rightAligned(1);
 * t.row("orig", Tables.count(966_986));
 * System.out.print(t.markdown());
 * }</pre>
 */
public final class Tables {
    private final List<String> headers;
    private final boolean[] right;
    private final List<List<String>> rows = new ArrayList<>();

    /** A table with these column headers (all left-aligned until {@link #rightAligned}). */
    public Tables(String... headers) {
        if (headers.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.headers = List.of(headers);
        this.right = new boolean[headers.length];
    }

    /** Right-aligns the given columns (0-based), e.g. numbers. */
    public Tables rightAligned(int... columns) {
        for (int c : columns) {
            if (c < 0 || c >= right.length) {
                throw new IllegalArgumentException("column " + c + " out of range 0.." + (right.length - 1));
            }
            right[c] = true;
        }
        return this;
    }

    /** Adds a row; it must have one cell per column (null is written as empty). */
    public Tables row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size()
                    + " columns: " + Arrays.toString(cells));
        }
        List<String> r = new ArrayList<>(cells.length);
        for (String c : cells) {
            r.add(c == null ? "" : c);
        }
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    /** GitHub-flavoured Markdown, with alignment markers; '|' in cells is escaped. */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        line(b, headers, true);
        b.append('|');
        for (boolean r : right) {
            b.append(r ? "---:|" : "---|");
        }
        b.append('\n');
        for (List<String> r : rows) {
            line(b, r, true);
        }
        return b.toString();
    }

    /** CSV with a header line; fields with commas, quotes or line breaks are quoted. */
    public String csv() {
        StringBuilder b = new StringBuilder();
        b.append(String.join(",", headers.stream().map(Tables::csvField).toList())).append('\n');
        for (List<String> r : rows) {
            b.append(String.join(",", r.stream().map(Tables::csvField).toList())).append('\n');
        }
        return b.toString();
    }

    /** Aligned plain text (like a torchinfo summary): columns padded to their widest cell. */
    public String text() {
        int[] w = new int[headers.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = headers.get(c).length();
            for (List<String> r : rows) {
                w[c] = Math.max(w[c], r.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        textLine(b, headers, w);
        int total = Arrays.stream(w).sum() + 2 * (w.length - 1);
        b.append("-".repeat(total)).append('\n');
        for (List<String> r : rows) {
            textLine(b, r, w);
        }
        return b.toString();
    }

    private void line(StringBuilder b, List<String> cells, boolean md) {
        b.append('|');
        for (String c : cells) {
            b.append(' ').append(md ? c.replace("|", "\\|") : c).append(" |");
        }
        b.append('\n');
    }

    private void textLine(StringBuilder b, List<String> cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            String s = cells.get(c);
            String pad = " ".repeat(w[c] - s.length());
            l.append(c == 0 ? "" : "  ").append(right[c] ? pad + s : s + pad);
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }

    static String csvField(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** A count with thousands separators: {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A signed count: {@code +1,418}, {@code -2,046,016}, {@code 0}. */
    public static String signed(long n) {
        return n == 0 ? "0" : String.format(Locale.ROOT, "%+,d", n);
    }

    /** A signed percentage change with one decimal, e.g. {@code -45.2%} (the minus is ASCII). */
    public static String change(double percent) {
        return String.format(Locale.ROOT, "%+.1f%%", percent);
    }

    /** A percentage with one decimal, e.g. {@code 46.4%}. */
    public static String percent(double percent) {
        return String.format(Locale.ROOT, "%.1f%%", percent);
    }

    /** Shape {C, H, W} written {@code 3x224x224}. */
    public static String shape(int[] s) {
        StringBuilder b = new StringBuilder();
        for (int d : s) {
            b.append(b.isEmpty() ? "" : "x").append(d);
        }
        return b.toString();
    }
}
