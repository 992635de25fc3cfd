package org.deeproots.nn.train;

/** Loss and accuracy of a network over a data set. */
public record Evaluation(int images, double loss, double top1, double top5) {
}
