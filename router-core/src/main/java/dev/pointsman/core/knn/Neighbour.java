package dev.pointsman.core.knn;

/** One search result: a row index of the searched set and its cosine similarity to the query. */
public record Neighbour(int index, float similarity) {}
