package org.deeproots.reproduce.figures;

/**
 * A written figure.
 *
 * @param file    file name inside the output folder
 * @param title   short title
 * @param caption what it shows and where its numbers come from
 */
public record Figure(String file, String title, String caption) {
}
